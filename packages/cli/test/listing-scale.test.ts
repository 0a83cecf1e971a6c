import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fillJsonStore, jsonfileBackend, type TestStore } from "./helpers/backends.js";
import { stowage } from "./helpers/run-cli.js";

/** More files than `ls` prints per page (256) and `rm -r` deletes per listing (1000). */
const COUNT = 2500;
const key = (i: number) => `big/${String(Math.floor(i / 100)).padStart(2, "0")}/f${String(i).padStart(4, "0")}.txt`;

describe("ls -r and rm -r on a folder of many files", () => {
  let store: TestStore;
  const run = (args: string[]) => stowage(args, { env: jsonfileBackend.env });
  beforeEach(async () => {
    store = await jsonfileBackend.create();
    const files: Record<string, string> = { "keep/me.txt": "kept" };
    for (let i = 0; i < COUNT; i++) files[key(i)] = `file ${i}`;
    await fillJsonStore(store, files);
  });
  afterEach(() => store.cleanup());

  it("ls -r streams every file in order; --json is one valid array; -l has sizes from the listing", async () => {
    const expected = Array.from({ length: COUNT }, (_, i) => key(i));
    expect((await run(["ls", "-r", `${store.url}::big`])).out).toBe(`${expected.join("\n")}\n`);
    const json = JSON.parse((await run(["ls", "-rl", "--json", `${store.url}::big`])).out) as Array<{ path: string; size: number }>;
    expect(json.map((entry) => entry.path)).toEqual(expected);
    expect(json[COUNT - 1]).toMatchObject({ type: "file", size: `file ${COUNT - 1}`.length, mtime: "2024-05-01T12:00:00.000000000Z" });
    expect(JSON.parse((await run(["ls", "-r", "--json", `${store.url}::nothing`])).out)).toEqual([]);
  });

  it("rm -r deletes them all in batches and nothing else", async () => {
    const removed = await run(["rm", "-r", `${store.url}::big`]);
    expect(removed.code).toBe(0);
    expect(removed.stderr).toBe("");
    expect((await run(["ls", "-r", store.url])).out).toBe("keep/me.txt\n");
  });
});
