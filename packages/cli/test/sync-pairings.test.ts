import { randomUUID } from "node:crypto";
import { collectBytes, syncStorages, type AdvancedSnapshotStorage } from "@stowage/core";
import { LocalFileSystemBackend } from "@stowage/local";
import { MemoryStorage } from "@stowage/memory";
import { RedisStorage } from "@stowage/redis";
import { S3Storage } from "@stowage/s3";
import { startRedis, type RedisServer } from "@stowage/testkit/redis";
import { startS3Server, type S3TestServer } from "@stowage/testkit/s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { temporaryFolder } from "./helpers/backends.js";

/**
 * Issue 11's quick-check cases on every pairing of the first-party backends, through the library:
 * (a) a source rolled back to an older copy of the same size, and (b) a same-size rewrite within a
 * second of the last sync. Both must be copied, and a rerun must copy nothing. Same-kind pairings
 * are two instances (native copies); the others stream and carry mtimes through `write`.
 */
describe("sync's quick check on every backend pairing", () => {
  let redis: RedisServer | undefined;
  let s3: S3TestServer | undefined;
  const cleanups: Array<() => Promise<void> | void> = [];
  beforeAll(async () => {
    [redis, s3] = await Promise.all([startRedis(), startS3Server()]);
  });
  afterAll(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
    await Promise.all([redis?.stop(), s3?.stop()]);
  });

  const open: Record<string, () => Promise<AdvancedSnapshotStorage>> = {
    memory: async () => new MemoryStorage(),
    local: async () => {
      const folder = await temporaryFolder();
      cleanups.push(folder.cleanup);
      return new LocalFileSystemBackend({ location: folder.path, durable: false });
    },
    redis: async () => {
      const storage = new RedisStorage({ url: redis?.url, namespace: randomUUID() });
      cleanups.push(() => storage.close());
      return storage;
    },
    s3: async () => {
      const server = s3 as S3TestServer;
      const storage = new S3Storage({ bucket: server.createBucket(), clientConfig: server.clientConfig });
      cleanups.push(() => storage.close());
      return storage;
    },
  };
  const kinds = Object.keys(open);
  const pairings = kinds.flatMap((from) => kinds.map((to) => [from, to] as const));
  const day = 86_400_000;
  const base = Date.UTC(2025, 0, 2, 3, 4, 5, 600);
  const text = async (storage: AdvancedSnapshotStorage, key: string) => (await collectBytes(await storage.read(key))).toString();

  it.each(pairings)("%s → %s", async (from, to) => {
    const [source, target] = await Promise.all([open[from]?.(), open[to]?.()]);
    if (source === undefined || target === undefined) throw new Error("unknown backend");
    await source.write("snap/rolled", "new!", { mtime: new Date(base + day) });
    await source.write("snap/rewritten", "AAAA", { mtime: new Date(base) });
    await source.write("snap/steady", "same", { mtime: new Date(base) });
    expect(await syncStorages(source, "snap", target, "mirror")).toMatchObject({ copied: 3, skipped: 0 });
    expect(await syncStorages(source, "snap", target, "mirror")).toMatchObject({ copied: 0, skipped: 3 });

    await source.write("snap/rolled", "old!", { mtime: new Date(base) }); // (a) cp -p of an older copy
    await source.write("snap/rewritten", "BBBB", { mtime: new Date(base + 400) }); // (b) within a second
    expect(await syncStorages(source, "snap", target, "mirror")).toMatchObject({ copied: 2, skipped: 1 });
    expect(await text(target, "mirror/rolled")).toBe("old!");
    expect(await text(target, "mirror/rewritten")).toBe("BBBB");
    expect((await target.stat("mirror/rolled")).mtime.getTime()).toBe(base);
    expect(await syncStorages(source, "snap", target, "mirror")).toMatchObject({ copied: 0, skipped: 3 });
  });
});
