import { InvalidOptionsError, SnapshotStorageCapabilityError } from "../errors.js";
import { backendName } from "./guards.js";
import { validateKey } from "./path.js";

/** Options of {@link SigningStorage.signedUrl}. */
export interface SignedUrlOptions {
  /** `"GET"` (the default): a link that downloads the file. `"PUT"`: a link that uploads it (rclone has none; flydrive's `getSignedUploadUrl`). */
  method?: "GET" | "PUT";
  /**
   * How long the link works, in seconds: a whole number from 1 to 604,800 (7 days, S3's limit for
   * SigV4 links). Default 3,600 (rclone link's and flydrive's hour).
   */
  expiresInSeconds?: number;
}

/**
 * Optional capability: a time-limited URL that lets anyone holding it download (or upload) one
 * file without credentials, as `rclone link` and flydrive's `getSignedUrl` hand out. S3 signs
 * one with its credentials (a presigned SigV4 URL). Recognised by {@link canSignUrls}.
 */
export interface SigningStorage {
  /**
   * The signed URL of file `path`. Signing reads nothing: a GET link of a missing file is made,
   * and fails when used. Throws `InvalidPathError` (`E_INVALID_PATH`) for a bad key and
   * `InvalidOptionsError` (`E_INVALID_OPTIONS`) for bad options (see {@link signedUrlOptions}).
   */
  signedUrl(path: string, options?: SignedUrlOptions): Promise<string>;
}

/** True when `storage` can hand out signed URLs ({@link SigningStorage}). */
export function canSignUrls(storage: unknown): storage is SigningStorage {
  return typeof (storage as Partial<SigningStorage> | null)?.signedUrl === "function";
}

/** The longest life of a SigV4 presigned URL, in seconds (AWS: 7 days). */
export const MAX_SIGNED_URL_SECONDS = 604_800;

/**
 * `SignedUrlOptions` checked once for every backend, with defaults: the key is valid, the method
 * is GET or PUT, and the life a whole number of seconds from 1 to {@link MAX_SIGNED_URL_SECONDS}.
 * Throws `InvalidPathError` (`E_INVALID_PATH`) or `InvalidOptionsError` (`E_INVALID_OPTIONS`),
 * naming `backend`.
 */
export function signedUrlOptions(path: string, options: SignedUrlOptions, backend: string): Required<SignedUrlOptions> {
  validateKey(path);
  const method = options.method ?? "GET";
  if (method !== "GET" && method !== "PUT") throw new InvalidOptionsError("method", method, 'must be "GET" or "PUT"', backend);
  const seconds = options.expiresInSeconds ?? 3_600;
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > MAX_SIGNED_URL_SECONDS) {
    throw new InvalidOptionsError("expiresInSeconds", seconds, `must be a whole number of seconds from 1 to ${MAX_SIGNED_URL_SECONDS}`, backend);
  }
  return { method, expiresInSeconds: seconds };
}

/**
 * Asserts that `storage` can sign URLs; otherwise throws `SnapshotStorageCapabilityError`
 * (`E_CAPABILITY`) naming `operation` and the backend, as `requiresAdvancedStorage` does.
 */
export function requiresSignedUrls(storage: unknown, operation: string): asserts storage is SigningStorage {
  if (!canSignUrls(storage)) throw new SnapshotStorageCapabilityError(operation, backendName(storage), "signed URLs");
}
