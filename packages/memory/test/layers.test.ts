import { describe, expect, it, vi } from "vitest";
import { syncStorages, withLogging, withRetry, withTimeout } from "@stowage/core";
import { MemoryStorage } from "../src/index.js";

/** Issue 22: a pair wrapped in core's layers must still copy natively, never stream silently. */
describe("core's layers around MemoryStorage", () => {
  it("a wrapped pair syncs through the native copier: the source is never read", async () => {
    const source = new MemoryStorage();
    const target = new MemoryStorage();
    for (let i = 0; i < 20; i++) await source.write(`s/${i}`, `content ${i}`);
    const reads = vi.spyOn(source, "read");
    const wrap = (storage: MemoryStorage) => withLogging(withRetry(withTimeout(storage)));
    const report = await syncStorages(wrap(source), "s", wrap(target), "t");
    expect(report.copied).toBe(20);
    expect(reads).not.toHaveBeenCalled();
    expect(await target.recursiveList("t")).toHaveLength(20);
    const again = await wrap(target).sync("t", "u");
    expect(again.copied).toBe(20);
  });

  it("without the brand, the same sync streams: the test above can fail", async () => {
    const source = new MemoryStorage();
    await source.write("s/a", "x");
    const reads = vi.spyOn(source, "read");
    const unbranded = { ...bindAll(source) };
    await syncStorages(unbranded, "s", new MemoryStorage(), "t");
    expect(reads).toHaveBeenCalledTimes(1);
  });
});

function bindAll(storage: MemoryStorage) {
  return {
    read: storage.read.bind(storage),
    write: storage.write.bind(storage),
    list: storage.list.bind(storage),
    delete: storage.delete.bind(storage),
    exists: storage.exists.bind(storage),
  };
}
