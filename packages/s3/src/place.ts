import type { S3Client } from "@aws-sdk/client-s3";
import { placeBelow, type StoragePlace } from "@stowage/core";

/** The parts of a resolved client configuration that say where it sends requests. */
interface EndpointView {
  endpoint?: () => Promise<{ protocol?: string; hostname?: string; port?: number; path?: string }>;
}

/**
 * Where folder `prefix` of an S3 storage is, for sync's overlap checks (core's `PlacedStorage`):
 * the endpoint the SDK resolved (lower-cased host, explicit port, path; AWS' own when none was
 * given, where bucket names are global), the bucket, then the storage's root prefix and `prefix`.
 * URLs that differ only in parameter order, `partSize` or `region` give one place. No request.
 */
export async function s3Place(client: S3Client, bucket: string, root: string, prefix: string): Promise<StoragePlace> {
  const config = client.config as unknown as EndpointView;
  const endpoint = typeof config.endpoint === "function" ? await config.endpoint() : undefined;
  let where = "aws";
  if (endpoint !== undefined) {
    const url = new URL(`${endpoint.protocol ?? "https:"}//${endpoint.hostname ?? ""}`);
    const port = endpoint.port ?? (url.protocol === "http:" ? 80 : 443);
    where = `${url.protocol}//${url.hostname.toLowerCase()}:${port}${(endpoint.path ?? "/").replace(/\/+$/, "")}`;
  }
  return placeBelow(`s3:${where}/${bucket}`, root === "" ? [] : root.split("/"), prefix);
}
