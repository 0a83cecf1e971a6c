import { describe, expect, it } from "vitest";
import { InvalidOptionsError, collectBytes, isAdvancedSnapshotStorage } from "@stowage/core";
import { MemoryStorage } from "../src/index.js";

describe("MemoryStorage", () => {
  it("rejects a chunkSize that is not a positive integer with InvalidOptionsError", () => {
    expect(() => new MemoryStorage({ chunkSize: 0 })).toThrow(InvalidOptionsError);
    expect(() => new MemoryStorage({ chunkSize: 1.5 })).toThrow(expect.objectContaining({ code: "E_INVALID_OPTIONS", option: "chunkSize", value: 1.5 }));
  });

  it("is an advanced storage that round-trips a file", async () => {
    const storage = new MemoryStorage();
    expect(isAdvancedSnapshotStorage(storage)).toBe(true);
    await storage.write("a/b.txt", "hello");
    expect((await collectBytes(await storage.read("a/b.txt"))).toString()).toBe("hello");
    expect(await storage.list("")).toEqual(["a/"]);
  });
});
