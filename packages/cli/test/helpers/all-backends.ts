import { localBackend, redisBackend, s3Backend, type TestBackend } from "./backends.js";

/** Every first-party backend the command tests run against. */
export const BACKENDS: TestBackend[] = [localBackend, redisBackend(), s3Backend()];

const MIB = 1024 * 1024;

/**
 * Pairs of different backends for the streaming (flat-memory) transfer tests, with the bytes their
 * adapters hold by design whatever the file size: an S3 upload keeps `queueSize + 1` parts in
 * memory (5 parts; the smallest part size S3 allows keeps that at 25 MiB).
 */
export const STREAMING_PAIRS: Array<{ source: TestBackend; target: TestBackend; window: number }> = [
  { source: localBackend, target: s3Backend(`&partSize=${5 * MIB}`), window: 25 * MIB },
  { source: redisBackend(), target: localBackend, window: 0 },
];
