import { describe, expect, it } from "vitest";
import { collectBytes, isAdvancedSnapshotStorage } from "@stowage/core";
import { MemoryStorage } from "../src/index.js";

describe("MemoryStorage", () => {
  it("is an advanced storage that round-trips a file", async () => {
    const storage = new MemoryStorage();
    expect(isAdvancedSnapshotStorage(storage)).toBe(true);
    await storage.write("a/b.txt", "hello");
    expect((await collectBytes(await storage.read("a/b.txt"))).toString()).toBe("hello");
    expect(await storage.list("")).toEqual(["a/"]);
  });
});
