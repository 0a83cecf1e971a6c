import { createHash, randomUUID } from "node:crypto";
import { expect, it } from "vitest";
import { collectBytes, compareKeys, syncStorages, type FileStat, type SnapshotStorage } from "@stowage/core";
import { RedisStorage, type RedisStorageOptions } from "../src/index.js";
import { spyOnCommands, type CommandSpy } from "./command-spy.js";
import type { Connect } from "./storage-behaviour.js";

const text = async (storage: RedisStorage, path: string) => (await collectBytes(await storage.read(path))).toString();

async function collect(listing: AsyncIterable<FileStat>): Promise<FileStat[]> {
  const out: FileStat[] = [];
  for await (const stat of listing) out.push(stat);
  return out;
}

/** Commands (of any client spied on) that touched a content hash, other than the ones allowed. */
function chunkCommands(spies: CommandSpy[], allowed: readonly string[]): string[] {
  return spies
    .flatMap((spy) => spy.commands)
    // The writer's stamp (`HSET key t <ms>`, see blob-keys.ts) is not content.
    .filter((command) => !(command.name === "hset" && command.args.length === 3 && command.args[1] === "t"))
    .filter((command) => !allowed.includes(command.name) && command.args.some((arg) => arg.includes(":chunks:")))
    .map((command) => `${command.name} ${command.args[0]}`);
}

/** streamList, stored mtimes and native sync copies, on any topology; each case uses fresh namespaces. */
export function syncScaleBehaviour(connect: Connect): void {
  const opened: RedisStorage[] = [];
  const open = (options: RedisStorageOptions = {}) => {
    const storage = new RedisStorage({ connectTimeoutMs: 15_000, ...connect(), namespace: randomUUID(), ...options });
    opened.push(storage);
    return storage;
  };
  const closeAll = async () => {
    await Promise.all(opened.splice(0).map((storage) => storage.close()));
  };
  const using = (body: () => Promise<void>) => async () => {
    try {
      await body();
    } finally {
      await closeAll();
    }
  };

  it("streamList yields every file below a folder with its stat, in compareKeys order, as recursiveList", using(async () => {
    const storage = open();
    // U+FF61 is one UTF-16 unit and U+1F389 two: JavaScript's default sort puts the emoji first.
    const keys = ["s/\u{1F389}", "s/\uFF61", "s/a.b", "s/a/b", "s/a0", "s/z/deep/er", "s/é", "snapshot2/x", "s.txt"];
    for (const key of keys) await storage.write(key, key);
    const listed = await collect(storage.streamList("s"));
    const expected = keys.filter((key) => key.startsWith("s/")).sort(compareKeys);
    expect(listed.map((stat) => stat.path)).toEqual(expected);
    expect(expected.indexOf("s/\uFF61")).toBeLessThan(expected.indexOf("s/\u{1F389}"));
    expect(await storage.recursiveList("s")).toEqual(expected);
    expect(await storage.recursiveList("s/")).toEqual(expected);
    for (const stat of listed) expect(stat).toEqual(await storage.stat(stat.path));
    expect((await collect(storage.streamList(""))).map((stat) => stat.path)).toEqual([...keys].sort(compareKeys));
    expect(await collect(storage.streamList("missing"))).toEqual([]);
  }));

  it("streamList pages through large folders lazily: one page's commands per page, none before next(), none after break", using(async () => {
    const storage = open();
    const names = Array.from({ length: 2100 }, (_, i) => `big/${String(i).padStart(5, "0")}`);
    // 100 writes at a time: 2,100 transactions at once outlasted the 5 s command timeout under CI's load.
    for (let i = 0; i < names.length; i += 100) await Promise.all(names.slice(i, i + 100).map((name) => storage.write(name, "x")));
    const spy = spyOnCommands(storage.client);
    try {
      const iterator = storage.streamList("big")[Symbol.asyncIterator]();
      expect(spy.names()).toEqual([]);
      const seen: string[] = [];
      let step = await iterator.next();
      // Per page: the index page with whether the index and the metadata exist, then the metadata
      // (with whether it still exists), each one transaction (issue 20: a missing index is an error).
      const page = ["multi", "zrangebylex", "exists", "exists", "exec", "multi", "hmget", "exists", "exec"];
      expect(spy.names()).toEqual(page);
      for (; seen.length < 1000; step = await iterator.next()) seen.push((step.value as FileStat).path);
      // The 1001st entry needed the second page, and nothing more.
      expect(spy.names()).toEqual([...page, ...page]);
      await iterator.return?.();
      const sent = spy.commands.length;
      expect((await iterator.next()).done).toBe(true);
      expect(spy.commands.length).toBe(sent);
      expect(seen).toEqual(names.slice(0, 1000));
      const all = (await collect(storage.streamList("big"))).map((stat) => stat.path);
      expect(all).toEqual(names);
      expect(await storage.recursiveList("big")).toEqual(names);
    } finally {
      spy.restore();
    }
  }));

  it("streamList leaves out a file deleted between reading the index and its metadata", using(async () => {
    const storage = open();
    for (const key of ["d/a", "d/b", "d/c"]) await storage.write(key, key);
    // Injects the race: the delete lands after the index page's transaction, before the HMGET's.
    const client = storage.client as unknown as { multi: (...args: unknown[]) => { exec: (...args: unknown[]) => Promise<unknown> } };
    const multi = client.multi;
    let transactions = 0;
    client.multi = function (this: unknown, ...args: unknown[]) {
      const tx = multi.apply(this, args);
      if (++transactions === 2) {
        client.multi = multi;
        const exec = tx.exec;
        tx.exec = async (...execArgs: unknown[]) => {
          await storage.delete("d/b");
          return exec.apply(tx, execArgs);
        };
      }
      return tx;
    };
    expect((await collect(storage.streamList("d"))).map((stat) => stat.path)).toEqual(["d/a", "d/c"]);
  }));

  it("stores the given mtime on write and streamWrite, and now by default", using(async () => {
    const storage = open();
    const mtime = new Date("2021-03-04T05:06:07.089Z");
    await storage.write("m/given", "x", { mtime });
    await storage.streamWrite("m/streamed", [Buffer.from("y")], { mtime });
    const before = Date.now();
    await storage.write("m/now", "z");
    expect((await storage.stat("m/given")).mtime).toEqual(mtime);
    expect((await storage.stat("m/streamed")).mtime).toEqual(mtime);
    expect((await storage.stat("m/now")).mtime.getTime()).toBeGreaterThanOrEqual(before);
    expect((await collect(storage.streamList("m"))).map((stat) => stat.mtime.getTime())).toEqual([
      mtime.getTime(), (await storage.stat("m/now")).mtime.getTime(), mtime.getTime(),
    ]);
    await expect(storage.write("m/bad", "x", { mtime: new Date(Number.NaN) })).rejects.toMatchObject({ code: "E_INVALID_OPTIONS", option: "mtime" });
    expect(await storage.exists("m/bad")).toBe(false);
  }));

  it("sync within one namespace shares content and keeps the source's mtime", using(async () => {
    const storage = open();
    const mtime = new Date("2020-01-01T00:00:00.123Z");
    await storage.write("src/a", "A", { mtime });
    const report = await storage.sync("src", "dst");
    expect(report).toMatchObject({ copied: 1, skipped: 0, deleted: 0, bytesCopied: 1 });
    expect((await storage.stat("dst/a")).mtime).toEqual(mtime);
    // Shared by reference: one content hash, counted twice.
    const refs = await storage.client.hgetall(`{${storage.namespace}}:refs`);
    expect(Object.values(refs)).toEqual(["2"]);
    expect((await storage.sync("src", "dst")).skipped).toBe(1);
  }));

  it("syncs between namespaces with server-side COPY: no chunk passes through a client", using(async () => {
    const source = open({ chunkSize: 4, readerGraceMs: 1 });
    const target = open();
    const files: Record<string, string> = { "x/a": "alpha", "x/sub/b": "a longer file of several chunks", "x/empty": "", "x/\u{1F389}": "party" };
    const mtime = new Date("2019-05-06T07:08:09.010Z");
    for (const [key, value] of Object.entries(files)) await source.write(key, value, { mtime });
    await source.atomicMove("x/a", "x/a2"); // a moved file keeps its content id
    await source.write("x/a", "alpha", { mtime });
    expect(target.syncCopier(source)).toBeDefined();
    const spies = [spyOnCommands(source.client), spyOnCommands(target.client)];
    let report;
    try {
      report = await syncStorages(source, "x", target, "y");
    } finally {
      for (const spy of spies) spy.restore();
    }
    expect(report).toMatchObject({ copied: 5, skipped: 0, deleted: 0 });
    expect(chunkCommands(spies, ["copy", "persist"])).toEqual([]);
    expect(spies[1]?.names().filter((name) => name === "copy")).toHaveLength(4); // the empty file has no content hash
    for (const [key, value] of Object.entries({ ...files, "x/a2": "alpha" })) {
      const copy = key.replace(/^x\//, "y/");
      expect(await text(target, copy)).toBe(value);
      const stat = await target.stat(copy);
      expect(stat.mtime).toEqual(mtime);
      expect(stat.etag).toBe(createHash("sha256").update(value).digest("hex"));
    }
    // Every copy is counted once in the target's catalogue, in a content hash of its own that never expires.
    const copies = Object.values(await metaOf(target));
    const refs = await target.client.hgetall(`{${target.namespace}}:refs`);
    expect(Object.keys(refs).sort()).toEqual(copies.map((meta) => meta.g).sort());
    expect(Object.values(refs)).toEqual(["1", "1", "1", "1", "1"]);
    for (const meta of copies.filter((each) => each.n > 0)) expect(await target.client.pttl(contentKey(target.namespace, meta.g))).toBe(-1);
    // Deleting the sources frees their content; the copies stay readable.
    const originals = Object.values(await metaOf(source)).map((meta) => contentKey(source.namespace, meta.g));
    for (const key of await source.recursiveList("x")) await source.delete(key);
    await untilGone(source, originals);
    expect(await text(target, "y/sub/b")).toBe(files["x/sub/b"]);
    expect(await text(target, "y/a2")).toBe("alpha");
  }));

  it("skips unchanged files on the next sync and re-copies a source rolled back to an older file of the same size", using(async () => {
    const source = open();
    const target = open();
    const newer = new Date("2024-01-01T00:00:00.000Z");
    const older = new Date("2023-01-01T00:00:00.000Z");
    await source.write("x/f", "new!", { mtime: newer });
    await source.write("x/g", "same", { mtime: newer });
    expect(await syncStorages(source, "x", target, "y")).toMatchObject({ copied: 2, skipped: 0 });
    expect(await syncStorages(source, "x", target, "y")).toMatchObject({ copied: 0, skipped: 2 });
    await source.write("x/f", "old.", { mtime: older });
    expect(await syncStorages(source, "x", target, "y")).toMatchObject({ copied: 1, skipped: 1 });
    expect(await text(target, "y/f")).toBe("old.");
    expect((await target.stat("y/f")).mtime).toEqual(older);
    // The replaced copy's content was released, not leaked: two files, two counted contents.
    expect(await target.client.hlen(`{${target.namespace}}:refs`)).toBe(2);
  }));

  it("offers a copier for storages on the same server or cluster, recognised by brand, and none otherwise", using(async () => {
    const a = open();
    const b = open();
    // Sharing a's client object; closing it later leaves the client open.
    const shared = new RedisStorage({ client: a.client, namespace: randomUUID() });
    opened.push(shared);
    expect(a.syncCopier(b)).toBeDefined();
    expect(b.syncCopier(a)).toBeDefined();
    expect(shared.syncCopier(a)).toBeDefined();
    expect(a.syncCopier(a)).toBeDefined();
    // Another copy of this package: not an instance of this class, but carrying the brand.
    const brand = Symbol.for("stowage.redis");
    const foreign = { [brand]: (a as unknown as Record<symbol, unknown>)[brand] } as unknown as SnapshotStorage;
    expect(b.syncCopier(foreign)).toBeDefined();
    expect(b.syncCopier({ [brand]: { layout: 99, namespace: "x", client: a.client, endpoints: () => [] } } as unknown as SnapshotStorage)).toBeUndefined();
    expect(b.syncCopier({} as SnapshotStorage)).toBeUndefined();
  }));
}

/** The catalogue's metadata of every file. */
async function metaOf(storage: RedisStorage): Promise<Record<string, { g: string; n: number }>> {
  const all = await storage.client.hgetall(`{${storage.namespace}}:meta`);
  return Object.fromEntries(Object.entries(all).map(([key, json]) => [key, JSON.parse(json) as { g: string; n: number }]));
}

/** The content hash of content id `id` (see blob-keys.ts: a copied id keeps its source's hash tag). */
function contentKey(namespace: string, id: string): string {
  const [tag, copy] = id.split(".");
  return copy === undefined ? `${namespace}:chunks:{${tag}}` : `${namespace}:chunks:{${tag}}.${copy}`;
}

/** Waits, polling the server (the wait is for Redis to expire keys, not a timing assertion), until none of `keys` exists. */
async function untilGone(storage: RedisStorage, keys: string[]): Promise<void> {
  for (;;) {
    const exists = await Promise.all(keys.map((key) => storage.client.exists(key)));
    if (exists.every((count) => count === 0)) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
