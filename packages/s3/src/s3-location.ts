import type { S3Client } from "@aws-sdk/client-s3";

/**
 * The brand by which S3 storages recognise each other, across copies of this package (a
 * `Symbol.for`, not a class, so that `instanceof` is never needed): an `S3Storage` answers it with
 * its {@link S3Location}.
 */
export const S3_LOCATION = Symbol.for("stowage.s3.location");

/** Where an S3 storage keeps its files. */
export interface S3Location {
  /** The client it sends requests with. */
  readonly client: S3Client;
  readonly bucket: string;
  /** Its root folder in the bucket, normalized (`""` for the bucket root). */
  readonly root: string;
}

/** The {@link S3Location} of an S3 storage, or `undefined` for any other value. */
export function s3LocationOf(value: unknown): S3Location | undefined {
  if (value === null || typeof value !== "object") return undefined;
  const location = (value as { [S3_LOCATION]?: unknown })[S3_LOCATION];
  if (location === null || typeof location !== "object") return undefined;
  const { client, bucket, root } = location as Partial<Record<keyof S3Location, unknown>>;
  if (typeof client !== "object" || client === null || typeof bucket !== "string" || typeof root !== "string") return undefined;
  return location as S3Location;
}

/** The parts of a resolved client configuration that say whom it talks to, as any SDK v3 copy has them. */
interface ResolvedConfigView {
  endpoint?: () => Promise<{ protocol?: string; hostname?: string; port?: number; path?: string }>;
  region?: () => Promise<string>;
  credentials?: () => Promise<{ accessKeyId?: string }>;
}

/**
 * True when `a` can read what `b` reads: the same client, or clients resolving to the same
 * endpoint (or both to AWS' own), the same region and the same access key id. Resolving
 * credentials may ask a provider (instance metadata, SSO), so callers do it once per sync. Any
 * failure to resolve counts as "not the same": the caller then streams the bytes, which works
 * everywhere.
 */
export async function sameAccount(a: S3Client, b: S3Client): Promise<boolean> {
  if (a === b) return true;
  try {
    const [x, y] = await Promise.all([identityOf(a), identityOf(b)]);
    return x !== undefined && x === y;
  } catch {
    return false;
  }
}

async function identityOf(client: S3Client): Promise<string | undefined> {
  const config = client.config as unknown as ResolvedConfigView;
  if (typeof config.region !== "function" || typeof config.credentials !== "function") return undefined;
  const [endpoint, region, credentials] = await Promise.all([
    typeof config.endpoint === "function" ? config.endpoint() : undefined,
    config.region(),
    config.credentials(),
  ]);
  if (credentials.accessKeyId === undefined || credentials.accessKeyId === "") return undefined;
  const where = endpoint === undefined ? "aws" : `${endpoint.protocol}//${endpoint.hostname}:${endpoint.port ?? ""}${endpoint.path ?? "/"}`;
  return JSON.stringify([where, region, credentials.accessKeyId]);
}
