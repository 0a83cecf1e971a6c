import { randomUUID } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { canCollectGarbage, collectBytes, isStowageError } from "@stowage/core";
import { killWhen } from "@stowage/testkit/kill";
import { startRedis, startRedisCluster, type RedisCluster, type RedisServer } from "@stowage/testkit/redis";
import { RedisStorage } from "../src/index.js";

const DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../dist/index.js");

let server: RedisServer;
let raw: Redis;
beforeAll(async () => {
  server = await startRedis();
  raw = new Redis(server.url);
});
afterAll(async () => {
  raw?.disconnect();
  await server?.stop();
});

/** The content hashes of a namespace, with their remaining expiry (ms, -1 for none). */
async function contentKeys(namespace: string): Promise<Map<string, number>> {
  const keys = await raw.keys(`${namespace}:chunks:*`);
  return new Map(await Promise.all(keys.map(async (key) => [key, await raw.pttl(key)] as const)));
}

/** A real writer killed with SIGKILL after staging a few chunks of `key`. */
async function killWriterMidWrite(namespace: string, key: string): Promise<void> {
  const script = `
    const { RedisStorage } = await import(${JSON.stringify(DIST)});
    const storage = new RedisStorage({ url: ${JSON.stringify(server.url)}, namespace: ${JSON.stringify(namespace)}, chunkSize: 1024 });
    async function* slow() { for (let i = 0; i < 3; i++) yield Buffer.alloc(1024, i); await new Promise(() => setInterval(() => {}, 1000)); }
    await storage.write(${JSON.stringify(key)}, slow());
  `;
  // Two chunks and the writer's stamp are in: the writer is mid-write.
  await killWhen(script, async () => {
    const lengths = await Promise.all([...(await contentKeys(namespace)).keys()].map((key) => raw.hlen(key)));
    return lengths.some((length) => length >= 3);
  });
}

describe("collectGarbage on Redis", () => {
  it("finds what a writer killed with SIGKILL staged (which carries an expiry), keeps it on a dry run, then removes it", async () => {
    const namespace = randomUUID();
    const storage = new RedisStorage({ url: server.url, namespace, stagingTtlMs: 600_000 });
    const other = new RedisStorage({ url: server.url, namespace: randomUUID(), stagingTtlMs: 600_000 });
    try {
      await storage.write("data/kept", "old content");
      const committed = new Set((await contentKeys(namespace)).keys());
      await killWriterMidWrite(namespace, "data/kept");
      await killWriterMidWrite(other.namespace, "x");
      const staged = [...(await contentKeys(namespace))].filter(([key]) => !committed.has(key));
      expect(staged).toHaveLength(1);
      // Staged content is never without an expiry, even with no gc.
      const [[stagedKey, ttl]] = staged as [[string, number]];
      expect(ttl).toBeGreaterThan(0);
      expect(canCollectGarbage(storage)).toBe(true);
      // Its writer stamped it moments ago: not older than a minute.
      expect(await storage.collectGarbage({ olderThanMs: 60_000 })).toEqual({ found: 0, removed: 0 });
      expect(await storage.collectGarbage({ olderThanMs: 0, dryRun: true })).toEqual({ found: 1, removed: 0 });
      expect(await raw.exists(stagedKey)).toBe(1);
      expect(await storage.collectGarbage({ olderThanMs: 0 })).toEqual({ found: 1, removed: 1 });
      expect(await raw.exists(stagedKey)).toBe(0);
      // The file and its content are untouched; so is the other namespace's leftover.
      expect((await collectBytes(await storage.read("data/kept"))).toString()).toBe("old content");
      expect([...(await contentKeys(namespace)).keys()]).toEqual([...committed]);
      expect((await contentKeys(other.namespace)).size).toBe(1);
      expect(await other.collectGarbage({ olderThanMs: 0 })).toEqual({ found: 1, removed: 1 });
    } finally {
      await Promise.all([storage.close(), other.close()]);
    }
  });

  it("removes an orphan without expiry, keeps replaced content in its reader grace period", async () => {
    const namespace = randomUUID();
    const storage = new RedisStorage({ url: server.url, namespace, readerGraceMs: 600_000 });
    try {
      await storage.write("a", "first");
      await storage.write("a", "second"); // "first" is freed: expiring after readerGraceMs
      // What a crash between PERSIST and the swap leaves: permanent, stamped, unreferenced.
      const orphan = `${namespace}:chunks:{${randomUUID()}}`;
      await raw.hset(orphan, "0", "lost", "t", Date.now() - 2 * 60 * 60 * 1000);
      expect(await raw.pttl(orphan)).toBe(-1);
      expect(await storage.collectGarbage({ olderThanMs: 60 * 60 * 1000 })).toEqual({ found: 1, removed: 1 });
      expect(await raw.exists(orphan)).toBe(0);
      // The freed version (in grace) and the live one stay.
      expect((await contentKeys(namespace)).size).toBe(2);
      expect(await storage.collectGarbage({ olderThanMs: 0 })).toEqual({ found: 0, removed: 0 });
      expect((await collectBytes(await storage.read("a"))).toString()).toBe("second");
    } finally {
      await storage.close();
    }
  });

  it("a write whose staged content was collected under it fails and changes nothing", async () => {
    const namespace = randomUUID();
    const storage = new RedisStorage({ url: server.url, namespace, chunkSize: 1024 });
    try {
      await storage.write("f", "before");
      async function* content(): AsyncGenerator<Uint8Array> {
        yield Buffer.alloc(1024, 1);
        // A gc with too short an age runs while this writer is between two chunks.
        await new Promise((resolve) => setTimeout(resolve, 20));
        expect((await storage.collectGarbage({ olderThanMs: 0 })).removed).toBe(1);
        yield Buffer.alloc(1024, 2);
      }
      const error = await storage.write("f", content()).catch((reason: unknown) => reason);
      expect(isStowageError(error, "E_IO"), String(error)).toBe(true);
      expect((await collectBytes(await storage.read("f"))).toString()).toBe("before");
      expect(await storage.collectGarbage({ olderThanMs: 0 })).toEqual({ found: 0, removed: 0 });
    } finally {
      await storage.close();
    }
  });

  it("rejects a bad age before any I/O", async () => {
    const storage = new RedisStorage({ url: server.url, namespace: randomUUID() });
    try {
      const error = await storage.collectGarbage({ olderThanMs: -5 }).catch((reason: unknown) => reason);
      expect(isStowageError(error, "E_INVALID_OPTIONS")).toBe(true);
    } finally {
      await storage.close();
    }
  });
});

describe("collectGarbage on a 3-master cluster", () => {
  let cluster: RedisCluster;
  beforeAll(async () => {
    cluster = await startRedisCluster();
  });
  afterAll(() => cluster?.stop());

  it("scans every master: orphans spread over the cluster are all found, files kept", async () => {
    const storage = new RedisStorage({ cluster: cluster.nodes, namespace: randomUUID(), connectTimeoutMs: 15_000 });
    try {
      for (let i = 0; i < 6; i++) await storage.write(`f${i}`, `content ${i}`);
      // Orphans (what a crash between PERSIST and the swap leaves), one per random hash tag: they land on different masters.
      const orphans = Array.from({ length: 12 }, () => `${storage.namespace}:chunks:{${randomUUID()}}`);
      for (const key of orphans) await storage.client.hset(key, "0", "lost", "t", Date.now() - 2 * 60 * 60 * 1000);
      // testkit's masters own the slot ranges 0-5460, 5461-10922 and 10923-16383.
      const slots = await Promise.all(orphans.map(async (key) => (await storage.client.cluster("KEYSLOT", key)) as number));
      const masters = new Set(slots.map((slot) => (slot <= 5460 ? 0 : slot <= 10922 ? 1 : 2)));
      expect(masters.size).toBeGreaterThan(1);
      expect(await storage.collectGarbage({ olderThanMs: 60 * 60 * 1000, dryRun: true })).toEqual({ found: 12, removed: 0 });
      expect(await storage.collectGarbage({ olderThanMs: 60 * 60 * 1000 })).toEqual({ found: 12, removed: 12 });
      expect(await Promise.all(orphans.map((key) => storage.client.exists(key)))).toEqual(orphans.map(() => 0));
      for (let i = 0; i < 6; i++) expect((await collectBytes(await storage.read(`f${i}`))).toString()).toBe(`content ${i}`);
    } finally {
      await storage.close();
    }
  });
  it("finds the orphans when it is a new storage's first call (the master list is read once connected)", async () => {
    const seeder = new RedisStorage({ cluster: cluster.nodes, namespace: randomUUID(), connectTimeoutMs: 15_000 });
    const orphans = Array.from({ length: 6 }, () => `${seeder.namespace}:chunks:{${randomUUID()}}`);
    try {
      await seeder.write("kept", "content");
      for (const key of orphans) await seeder.client.hset(key, "0", "lost", "t", Date.now() - 2 * 60 * 60 * 1000);
    } finally {
      await seeder.close();
    }
    const fresh = new RedisStorage({ cluster: cluster.nodes, namespace: seeder.namespace, connectTimeoutMs: 15_000 });
    try {
      expect(await fresh.collectGarbage({ olderThanMs: 60 * 60 * 1000, dryRun: true })).toEqual({ found: 6, removed: 0 });
    } finally {
      await fresh.close();
    }
  });
});
