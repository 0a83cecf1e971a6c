import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EXIT_CODES } from "../src/exit-codes.js";
import { temporaryFolder } from "./helpers/backends.js";
import { stowage } from "./helpers/run-cli.js";

const VAGUE_ADAPTER = fileURLToPath(new URL("./fixtures/vague-error-adapter.mjs", import.meta.url));
const env = { STOWAGE_ADAPTERS: `vague=${VAGUE_ADAPTER}` };

/**
 * Issue 20: errors whose message says nothing (none, "Unknown", a thrown non-Error) are printed
 * with what failed and what they carry (code, HTTP status, cause), never as a bare "Unknown".
 */
describe("errors that say nothing by their message", () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let store: string;
  beforeEach(async () => {
    ({ path: dir, cleanup } = await temporaryFolder());
    store = `vague://${dir}/store.json`;
    for (const key of ["a.empty", "b.unknown", "c.object"]) {
      expect((await stowage(["put", "-", `${store}::${key}`], { input: "x", env })).code).toBe(0);
    }
  });
  afterEach(() => cleanup());

  it.each([
    ["a.empty", "Error with no message (cause: EACCES: permission denied, open 'x')"],
    ["b.unknown", "Unknown (HTTP status 503)"],
    ["c.object", "a thrown value that is not an Error: { code: 'EBUSY', reason: 'locked by another writer' }"],
  ])("cat of %s says which command failed on what, and why", async (key, why) => {
    const result = await stowage(["cat", `${store}::${key}`], { env });
    expect(result.code).toBe(EXIT_CODES.failure);
    expect(result.stderr).toBe(`stowage: cat '${store}::${key}' failed: ${why}\n`);
  });

  it("sync --json lists each failure with its cause or status, and stderr gives the first one's cause", async () => {
    const result = await stowage(["sync", "--json", store, `${dir}/copy`], { env });
    expect(result.code).toBe(EXIT_CODES.syncFailed);
    expect(JSON.parse(result.out).failures).toEqual([
      { path: "a.empty", error: "Error with no message (cause: EACCES: permission denied, open 'x')" },
      { path: "b.unknown", error: "Unknown (HTTP status 503)" },
      { path: "c.object", error: "a thrown value that is not an Error: { code: 'EBUSY', reason: 'locked by another writer' }" },
    ]);
    expect(result.stderr).toBe(
      "stowage: sync failed to copy 3 file(s), first 'a.empty': ; nothing was deleted (code E_SYNC, cause: Error with no message (cause: EACCES: permission denied, open 'x'))\n",
    );
  });
});
