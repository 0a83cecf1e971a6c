import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { comparePlaces, InvalidOptionsError, syncStorages } from "@stowage/core";
import { startRedis, startRedisCluster, type RedisCluster, type RedisServer } from "@stowage/testkit/redis";
import { createStorageFromUrl, RedisStorage } from "../src/index.js";

let server: RedisServer;
let other: RedisServer;
let cluster: RedisCluster;
beforeAll(async () => {
  [server, other, cluster] = await Promise.all([startRedis(), startRedis(), startRedisCluster()]);
});
afterAll(async () => {
  await Promise.all([server?.stop(), other?.stop(), cluster?.stop()]);
});

const opened: RedisStorage[] = [];
afterAll(async () => {
  await Promise.all(opened.map((storage) => storage.close()));
});

function open(url: string): RedisStorage {
  const storage = createStorageFromUrl(new URL(url));
  opened.push(storage);
  return storage;
}

describe("RedisStorage.place: the server's run_id, the db and the namespace (issue 24 item 3)", () => {
  it("URLs that name one server, db and namespace in other words give one place", async () => {
    const base = `redis://${server.host}:${server.port}`;
    const one = await open(base).place("D");
    for (const url of [`${base}/0`, `${base}?namespace=stowage`, `${base}/0?connectTimeoutMs=5000&namespace=stowage`, `redis://localhost:${server.port}/0`, `redis+unix://${server.socket}?db=0`]) {
      expect(comparePlaces(await open(url).place("D"), one), url).toBe("same");
      expect(comparePlaces(await open(url).place("D/old"), one), url).toBe("inside");
    }
    for (const url of [`${base}/1`, `${base}?namespace=other`, `redis://${other.host}:${other.port}`]) {
      expect(comparePlaces(await open(url).place("D"), one), url).toBe("apart");
    }
  });

  it("a cluster is one place whichever startup node a storage names", async () => {
    const [a, b] = cluster.nodes;
    const first = new RedisStorage({ cluster: [a!], connectTimeoutMs: 15_000 });
    const second = new RedisStorage({ cluster: [b!], connectTimeoutMs: 15_000 });
    opened.push(first, second);
    expect(comparePlaces(await second.place("x/y"), await first.place("x"))).toBe("inside");
    expect(comparePlaces(await new RedisStorage({ url: server.url }).place("x"), await first.place("x"))).toBe("apart");
  });

  it("a sync into its own source through another URL, or a backup folder inside the target, is refused before any write", async () => {
    const base = `redis://${server.host}:${server.port}`;
    const source = open(`${base}?namespace=self`);
    await source.write("self/a.txt", "a");
    const mirror = open(`${base}/0?namespace=self&connectTimeoutMs=4000`);
    await expect(syncStorages(source, "self", mirror, "self/mirror")).rejects.toMatchObject({ code: "E_INVALID_PATH" });
    const target = open(base);
    const backup = open(`${base}/0?namespace=stowage`);
    await target.write("D/a.txt", "old");
    await source.write("src/a.txt", "new");
    const error = await syncStorages(source, "src", target, "D", { backupDir: { storage: backup, prefix: "D/old" } }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidOptionsError);
    expect(await source.recursiveList("self")).toEqual(["self/a.txt"]);
    expect(await target.exists("D/old/a.txt")).toBe(false);
    // rclone's idiom: the backup folder inside the target, excluded from the sync.
    for (let run = 0; run < 3; run++) {
      await source.write("src/a.txt", `new ${run}`);
      await syncStorages(source, "src", target, "D", { backupDir: { storage: backup, prefix: "D/old" }, filter: [{ action: "exclude", pattern: "/old/**" }] });
    }
    expect(await target.recursiveList("D")).toEqual(["D/a.txt", "D/old/a.txt"]);
  });
});
