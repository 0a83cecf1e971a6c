import { createRequire } from "node:module";
import type * as IORedis from "ioredis";

/*
 * ioredis (CommonJS), loaded with `require` rather than `import`: Node 20's ESM loader, importing
 * CommonJS, lexes and format-checks every module of it, which took 75–84 ms of CPU per process
 * here against 40–44 ms by `require`. ioredis has no ESM build, so both give the same classes
 * (`instanceof Cluster` holds for a client the caller made).
 */
const ioredis = createRequire(import.meta.url)("ioredis") as typeof IORedis;

// The classes as values, for `new` and `instanceof`; their types are imported from "ioredis"
// itself, so that declarations and docs name ioredis' own.
export const ClusterClass = ioredis.Cluster;
export const RedisClass = ioredis.Redis;
