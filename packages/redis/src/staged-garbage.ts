import type { GarbageReport } from "@stowage/core";
import type { Redis } from "ioredis";
import { ClusterClass } from "./ioredis.js";
import { STAMP_FIELD, type BlobKeys } from "./blob-keys.js";
import type { RedisClient } from "./connection.js";

/** Keys per SCAN page, and per batch of checks. */
const SCAN_COUNT = 1000;
// `<ns>:chunks:` then `{uuid}` or `{uuid}.uuid` (content copied in from another namespace).
const CONTENT_KEY = /^\{([0-9a-f-]{36})\}(?:\.([0-9a-f-]{36}))?$/;

/** What {@link collectStagedGarbage} needs of a RedisStorage. */
export interface StagedGarbageScope {
  client: RedisClient;
  namespace: string;
  keys: BlobKeys;
  /** Runs one Redis call as the storage does (connection wait, typed errors). */
  redis<T>(call: () => Promise<T>): Promise<T>;
  /** Content whose remaining expiry is at most this (ms) is freed content readers may still use. */
  graceMs: number;
  olderThanMs: number;
  dryRun: boolean;
}

/**
 * Finds content hashes of one namespace that no file points at (absent from the catalogue's
 * reference counts) and whose writer stamped them (field `t`, refreshed with the staging TTL and
 * just before the swap) more than `olderThanMs` ago: staged content of a writer that died, or an
 * orphan of a crash between making content permanent and swapping it in. Content in its reader
 * grace period (an expiry of at most `graceMs` left) is left to expire. Content without a stamp
 * (staged by an older version) is judged by `OBJECT IDLETIME`. Removes them with `UNLINK` unless
 * `dryRun`; the references are read again right before, so content committed meanwhile is kept.
 *
 * Scans with `SCAN MATCH <ns>:chunks:*` on the server, or on every master of a cluster; never
 * `KEYS`.
 */
export async function collectStagedGarbage(scope: StagedGarbageScope): Promise<GarbageReport> {
  const { client, redis } = scope;
  // A cluster client knows its masters only once connected: on a new storage's first call the
  // list would be empty, and nothing found.
  await redis(() => Promise.resolve());
  const nodes: Redis[] = client instanceof ClusterClass ? client.nodes("master") : [client];
  const pattern = `${escapeGlob(scope.namespace)}:chunks:*`;
  const prefix = `${scope.namespace}:chunks:`;
  let found = 0;
  let removed = 0;
  for (const node of nodes) {
    let cursor = "0";
    do {
      const [next, keys] = await redis(() => node.scan(cursor, "MATCH", pattern, "COUNT", SCAN_COUNT));
      cursor = next;
      const candidates = keys.flatMap((key) => {
        const match = CONTENT_KEY.exec(key.slice(prefix.length));
        if (!key.startsWith(prefix) || match === null) return [];
        return [{ key, id: match[2] === undefined ? (match[1] as string) : `${match[1]}.${match[2]}` }];
      });
      const garbage = await oldUnreferenced(scope, candidates, Date.now());
      found += garbage.length;
      if (scope.dryRun || garbage.length === 0) continue;
      // Read the references again: a writer may have swapped its content in since.
      const still = await unreferenced(scope, garbage);
      const gone = await Promise.all(still.map(({ key }) => redis(() => client.unlink(key))));
      removed += gone.reduce((sum: number, count) => sum + count, 0);
    } while (cursor !== "0");
  }
  return { found, removed };
}

interface Candidate {
  key: string;
  id: string;
}

async function unreferenced(scope: StagedGarbageScope, candidates: readonly Candidate[]): Promise<Candidate[]> {
  if (candidates.length === 0) return [];
  const refs = await scope.redis(() => scope.client.hmget(scope.keys.refs, ...candidates.map(({ id }) => id)));
  return candidates.filter((_, i) => refs[i] === null);
}

async function oldUnreferenced(scope: StagedGarbageScope, candidates: readonly Candidate[], now: number): Promise<Candidate[]> {
  const { client, redis } = scope;
  const loose = await unreferenced(scope, candidates);
  const verdicts = await Promise.all(
    loose.map(async (candidate) => {
      const [stamp, ttl] = await redis(() => Promise.all([client.hget(candidate.key, STAMP_FIELD), client.pttl(candidate.key)]));
      if (ttl === -2 || (ttl > 0 && ttl <= scope.graceMs)) return false;
      let age = now - Number(stamp);
      if (stamp === null || !Number.isFinite(age)) {
        const idle = await redis(() => client.object("IDLETIME", candidate.key)).catch(() => null);
        age = typeof idle === "number" ? idle * 1000 : Number.NaN;
      }
      return age >= scope.olderThanMs;
    }),
  );
  return loose.filter((_, i) => verdicts[i]);
}

/** `text` with Redis glob characters escaped, for a literal match in SCAN MATCH. */
function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, (char) => `\\${char}`);
}
