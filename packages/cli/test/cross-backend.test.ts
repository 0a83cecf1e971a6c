import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localBackend, redisBackend, s3Backend } from "./helpers/backends.js";
import { stowage } from "./helpers/run-cli.js";

/** One file's trip through every backend: local → S3 → Redis → memory, and a sync back. */
describe("between backends", () => {
  const redis = redisBackend();
  const s3 = s3Backend();
  const env = { ...s3.env, ...redis.env };
  const run = (args: string[], input?: string) => stowage(args, { env, ...(input === undefined ? {} : { input }) });
  beforeAll(() => Promise.all([redis.start(), s3.start()]));
  afterAll(() => Promise.all([redis.stop(), s3.stop()]));

  it("cp copies, mv copies then deletes the source, sync mirrors back and skips on a rerun", async () => {
    const [local, bucket, server] = await Promise.all([localBackend.create(), s3.create(), redis.create()]);
    try {
      await run(["put", "-", `${local.url}::docs/a.txt`], "travelling file");
      expect((await run(["cp", `${local.url}::docs/a.txt`, `${bucket.url}::in/`])).code).toBe(0);
      expect((await run(["mv", `${bucket.url}::in/a.txt`, `${server.url}::kept/a.txt`])).code).toBe(0);
      expect((await run(["ls", "-r", bucket.url])).out).toBe("");
      expect((await run(["cat", `${server.url}::kept/a.txt`])).out).toBe("travelling file");
      expect((await run(["cp", `${server.url}::kept/a.txt`, "memory://::a.txt"])).code).toBe(0);

      const back = JSON.parse((await run(["sync", "--json", server.url, `${local.url}::mirror`])).out) as unknown;
      expect(back).toMatchObject({ copied: 1, bytesCopied: 15 });
      expect((await run(["ls", "-r", local.url])).out).toBe("docs/a.txt\nmirror/kept/a.txt\n");
      const again = JSON.parse((await run(["sync", "--json", server.url, `${local.url}::mirror`])).out) as unknown;
      expect(again).toMatchObject({ copied: 0, skipped: 1, deleted: 0 });
    } finally {
      await Promise.all([local.cleanup(), bucket.cleanup(), server.cleanup()]);
    }
  });
});

describe("re-running a cross-backend sync", () => {
  const redis = redisBackend();
  const s3 = s3Backend();
  const env = { ...s3.env, ...redis.env };
  beforeAll(() => Promise.all([redis.start(), s3.start()]));
  afterAll(() => Promise.all([redis.stop(), s3.stop()]));

  it.each([
    ["local", "s3"],
    ["s3", "local"],
    ["local", "redis"],
    ["redis", "s3"],
  ])("%s to %s skips every unchanged file", async (from, to) => {
    const backends = { local: localBackend, s3, redis };
    const [source, target] = await Promise.all([backends[from as "local"].create(), backends[to as "local"].create()]);
    try {
      for (const key of ["a.txt", "b/c.txt"]) {
        await stowage(["put", "-", `${source.url}::${key}`], { env, input: `content of ${key}` });
      }
      const sync = async () => JSON.parse((await stowage(["sync", "--json", source.url, target.url], { env })).out) as unknown;
      expect(await sync()).toMatchObject({ copied: 2, skipped: 0 });
      expect(await sync()).toMatchObject({ copied: 0, skipped: 2 });
    } finally {
      await Promise.all([source.cleanup(), target.cleanup()]);
    }
  });
});
