import { describe, expect, it } from "vitest";
import { collectBytes, isAdvancedSnapshotStorage, isStowageError } from "@stowage/core";
import { MemoryStorage, createStorageFromUrl } from "../src/index.js";

/** Issue 22 item 4: the adapter reads its own URL, `memory://[name][?chunkSize=N]`. */
describe("createStorageFromUrl", () => {
  it("opens an empty advanced MemoryStorage for memory:// and for a named store", async () => {
    for (const href of ["memory://", "memory://scratch"]) {
      const storage = createStorageFromUrl(new URL(href));
      expect(storage).toBeInstanceOf(MemoryStorage);
      expect(isAdvancedSnapshotStorage(storage)).toBe(true);
      expect(await storage.recursiveList("")).toEqual([]);
    }
  });

  it("takes chunkSize: reads come in chunks of that many bytes", async () => {
    const storage = createStorageFromUrl(new URL("memory://a?chunkSize=4"));
    await storage.write("f", "0123456789");
    const sizes: number[] = [];
    for await (const chunk of await storage.read("f")) sizes.push((chunk as Buffer).byteLength);
    expect(sizes).toEqual([4, 4, 2]);
    expect((await collectBytes(await storage.read("f"))).toString()).toBe("0123456789");
  });

  it("makes a new store per call: the caller (the CLI's per-command store set) keeps one per URL", async () => {
    const first = createStorageFromUrl(new URL("memory://same"));
    await first.write("f", "x");
    expect(await createStorageFromUrl(new URL("memory://same")).exists("f")).toBe(false);
  });

  it.each([
    ["memory://?chunksize=1", "chunksize", /not a parameter of memory: URLs \(accepted: chunkSize\)/],
    ["memory://?chunkSize=0", "chunkSize", /must be a positive integer/],
    ["memory://?chunkSize=1.5", "chunkSize", /must be a positive integer/],
    ["memory://?chunkSize=abc", "chunkSize", /must be a positive integer/],
    ["file:///tmp/x", "url", /must be a memory: URL/],
  ])("rejects %s with InvalidOptionsError naming '%s'", (href, option, message) => {
    let caught: unknown;
    try {
      createStorageFromUrl(new URL(href));
    } catch (error) {
      caught = error;
    }
    expect(isStowageError(caught, "E_INVALID_OPTIONS")).toBe(true);
    expect(caught).toMatchObject({ option, message: expect.stringMatching(message) });
  });
});
