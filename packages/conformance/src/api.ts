import { DEFAULT_CHUNK_SIZE, type SnapshotStorage } from "@stowage/core";
import { resolveDeadlines } from "./deadline.js";

/** What a backend guarantees beyond its tier, where the contract lets a backend differ. */
export interface StorageCapabilities {
  /**
   * The backend rejects a key that would be both a file and a folder (`a/b` while `a` is a file,
   * or `a` while `a/b` exists) with `SnapshotConflictError`. Default `true`. Turn it off only for
   * a backend with a flat key space that cannot check it without a race; the conflict tests are
   * then left out, and nothing else changes.
   */
  fileFolderConflicts?: boolean;
  /** Bytes per chunk that `streamRead` yields without options. Default 256 KiB. */
  defaultChunkSize?: number;
}

/** Options of {@link describeSnapshotStorage} and {@link describeAdvancedSnapshotStorage}. */
export interface SnapshotSuiteOptions<S extends SnapshotStorage> {
  /** The backend's name, shown in the top-level `describe`. */
  name: string;
  /** Returns a fresh, empty storage. Called at the start of every test (twice for a few). */
  create: () => S | Promise<S>;
  /** Releases a storage made by `create` (close clients, remove temp dirs). Runs after every test, passed or failed. */
  cleanup?: (storage: S) => void | Promise<void>;
  /** Where the backend may differ from the defaults. */
  capabilities?: StorageCapabilities;
  /**
   * Lists, in the backend's own terms, what a write cut short may leave behind: temporary files
   * (local), staged content (Redis), unfinished multipart uploads (S3). The abort tests require it
   * to be empty after every aborted write and sync. Leave it out for a backend that stages nothing
   * outside its files (memory); the tests then check files and listings only.
   */
  debris?(storage: S): Promise<readonly string[]>;
  /**
   * Size in bytes of the largest content written (pseudo-random, compared by hash). Default
   * 5 MiB + 1, just above the S3 multipart part size. Lower it only for a backend with a hard limit.
   */
  largestContentSize?: number;
  /**
   * Files in the largest folder listed. Default 1001: more than one page of an S3 listing (1000
   * keys). A backend with a configurable page size can lower it in `create`, and this with it.
   */
  largestListing?: number;
  /**
   * Deadline of each test, in ms (default 120,000): a test still running then fails with its name,
   * so an adapter that never answers fails the suite instead of hanging it (`node:test` has no
   * timeout of its own). Give your runner a timeout above it, or raise both for a slow backend.
   */
  testDeadlineMs?: number;
  /**
   * How long an operation may take to settle once its signal aborts, in ms (default 10,000): an
   * aborted write, read or sync still pending then fails the abort test that waits for it, naming
   * the promise ("rejects promptly once its signal aborts").
   */
  abortDeadlineMs?: number;
}

/** The options with every default applied, as the parts see them. */
export interface SuiteSettings {
  fileFolderConflicts: boolean;
  defaultChunkSize: number;
  largestContentSize: number;
  largestListing: number;
  /** See {@link SnapshotSuiteOptions.testDeadlineMs}. */
  testDeadlineMs: number;
  /** See {@link SnapshotSuiteOptions.abortDeadlineMs}. */
  abortDeadlineMs: number;
  /** True when the advanced suite runs. */
  advanced: boolean;
}

/** 5 MiB + 1: one byte more than an S3 multipart part. */
export const DEFAULT_LARGEST_CONTENT_SIZE = 5 * 1024 * 1024 + 1;

/** 1001: one file more than an S3 listing page. */
export const DEFAULT_LARGEST_LISTING = 1001;

/** Applies the defaults and checks the numbers, so a typo fails loudly instead of testing nothing. */
export function resolveSettings(
  options: Pick<SnapshotSuiteOptions<SnapshotStorage>, "capabilities" | "largestContentSize" | "largestListing" | "testDeadlineMs" | "abortDeadlineMs">,
  advanced: boolean,
): SuiteSettings {
  const deadlines = resolveDeadlines(options);
  const settings: SuiteSettings = {
    fileFolderConflicts: options.capabilities?.fileFolderConflicts ?? true,
    defaultChunkSize: options.capabilities?.defaultChunkSize ?? DEFAULT_CHUNK_SIZE,
    largestContentSize: options.largestContentSize ?? DEFAULT_LARGEST_CONTENT_SIZE,
    largestListing: options.largestListing ?? DEFAULT_LARGEST_LISTING,
    testDeadlineMs: deadlines.testMs,
    abortDeadlineMs: deadlines.abortMs,
    advanced,
  };
  for (const key of ["defaultChunkSize", "largestContentSize", "largestListing"] as const) {
    if (!Number.isInteger(settings[key]) || settings[key] < 1) {
      throw new RangeError(`${key} must be a positive integer, got ${settings[key]}`);
    }
  }
  return settings;
}
