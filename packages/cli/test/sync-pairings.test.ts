import { collectBytes, syncStorages, type AdvancedSnapshotStorage } from "@stowage/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKEND_KINDS, LibraryBackends } from "./helpers/library-backends.js";

/**
 * Issue 11's quick-check cases on every pairing of the first-party backends, through the library:
 * (a) a source rolled back to an older copy of the same size, and (b) a same-size rewrite within a
 * second of the last sync. Both must be copied, and a rerun must copy nothing. Same-kind pairings
 * are two instances (native copies); the others stream and carry mtimes through `write`.
 */
describe("sync's quick check on every backend pairing", () => {
  const backends = new LibraryBackends();
  beforeAll(() => backends.start());
  afterAll(() => backends.stop());
  const pairings = BACKEND_KINDS.flatMap((from) => BACKEND_KINDS.map((to) => [from, to] as const));
  const day = 86_400_000;
  const base = Date.UTC(2025, 0, 2, 3, 4, 5, 600);
  const text = async (storage: AdvancedSnapshotStorage, key: string) => (await collectBytes(await storage.read(key))).toString();

  it.each(pairings)("%s → %s", async (from, to) => {
    const [source, target] = await Promise.all([backends.open(from), backends.open(to)]);
    await source.write("snap/rolled", "new!", { mtime: new Date(base + day) });
    await source.write("snap/rewritten", "AAAA", { mtime: new Date(base) });
    await source.write("snap/steady", "same", { mtime: new Date(base) });
    expect(await syncStorages(source, "snap", target, "mirror")).toMatchObject({ copied: 3, skipped: 0 });
    expect(await syncStorages(source, "snap", target, "mirror")).toMatchObject({ copied: 0, skipped: 3 });

    await source.write("snap/rolled", "old!", { mtime: new Date(base) }); // (a) cp -p of an older copy
    await source.write("snap/rewritten", "BBBB", { mtime: new Date(base + 400) }); // (b) within a second
    expect(await syncStorages(source, "snap", target, "mirror")).toMatchObject({ copied: 2, skipped: 1 });
    expect(await text(target, "mirror/rolled")).toBe("old!");
    expect(await text(target, "mirror/rewritten")).toBe("BBBB");
    expect((await target.stat("mirror/rolled")).mtime.getTime()).toBe(base);
    expect(await syncStorages(source, "snap", target, "mirror")).toMatchObject({ copied: 0, skipped: 3 });
  });
});
