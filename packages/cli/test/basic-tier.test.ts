import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EXIT_CODES } from "../src/exit-codes.js";
import { basicBackend } from "./helpers/backends.js";
import { stowage } from "./helpers/run-cli.js";

/** A backend with only the five basic methods: what works, and what fails with exit code 5. */
describe("a basic-tier backend", () => {
  let store: string;
  let cleanup: () => Promise<void>;
  const run = (args: string[], input?: string) => stowage(args, { env: basicBackend.env, ...(input === undefined ? {} : { input }) });
  beforeEach(async () => {
    ({ url: store, cleanup } = await basicBackend.create());
    await run(["put", "-", `${store}::a/one.txt`], "one");
    await run(["put", "-", `${store}::a/b/two.txt`], "two");
  });
  afterEach(() => cleanup());

  it("stat fails with a capability error", async () => {
    const result = await run(["stat", `${store}::a/one.txt`]);
    expect(result.code).toBe(EXIT_CODES.capability);
    expect(result.stderr).toMatch(/^stowage: operation 'stat' requires AdvancedSnapshotStorage/);
  });

  it("ls -r walks folders; -l shows no sizes", async () => {
    expect((await run(["ls", "-r", store])).out).toBe("a/b/two.txt\na/one.txt\n");
    const json = JSON.parse((await run(["ls", "-l", "--json", `${store}::a`])).out) as unknown;
    expect(json).toEqual([{ path: "a/b/", type: "folder" }, { path: "a/one.txt", type: "file" }]);
  });

  it("mv copies then deletes; sync compares by content and skips identical files", async () => {
    expect((await run(["mv", `${store}::a/one.txt`, `${store}::c/one.txt`])).code).toBe(0);
    expect((await run(["ls", "-r", store])).out).toBe("a/b/two.txt\nc/one.txt\n");
    const first = JSON.parse((await run(["sync", "--json", `${store}::a`, `${store}::mirror`])).out) as Record<string, unknown>;
    expect(first).toMatchObject({ copied: 1, skipped: 0 });
    const again = JSON.parse((await run(["sync", "--json", `${store}::a`, `${store}::mirror`])).out) as Record<string, unknown>;
    expect(again).toMatchObject({ copied: 0, skipped: 1 });
  });
});
