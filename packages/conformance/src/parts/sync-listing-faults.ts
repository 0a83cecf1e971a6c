import assert from "node:assert/strict";
import {
  isAdvancedSnapshotStorage,
  isStowageError,
  SnapshotIOError,
  syncStorages,
  type FileStat,
  type SnapshotStorage,
  type StreamListOptions,
} from "@stowage/core";
import { assertContent } from "../bytes.js";
import { expectRejects } from "../expect-error.js";
import type { SuiteContext } from "../fixture.js";
import { allKeys, writeAll } from "../inspect.js";

const SOURCE = { "snap/a": "a1", "snap/b/1": "b1", "snap/b/2": "b2", "snap/c/1": "c1", "snap/d": "d1" };
const MIRROR = { "mirror/a": "a0", "mirror/b/1": "b1", "mirror/b/2": "b2", "mirror/c/1": "c1", "mirror/d": "d1", "mirror/extra": "x" };

/**
 * A source whose deep listing fails part-way, as a later S3 page answering 403 or a folder read
 * failing with EIO would: `streamList` yields `entries` files and then rejects, and on the basic
 * tier every `list` after the first rejects. A real backend cannot fail a listing on demand.
 */
function failingListing<S extends SnapshotStorage>(storage: S, entries: number): S {
  const injected = (): SnapshotIOError => new SnapshotIOError("injected listing failure: the next page was refused", "snap");
  let lists = 0;
  return new Proxy(storage, {
    get: (target, property) => {
      if (property === "streamList" && isAdvancedSnapshotStorage(target)) {
        return async function* streamList(prefix: string, options?: StreamListOptions): AsyncGenerator<FileStat, void, undefined> {
          let yielded = 0;
          for await (const entry of target.streamList(prefix, options)) {
            if (yielded++ === entries) throw injected();
            yield entry;
          }
        };
      }
      if (property === "list") {
        return async (prefix: string) => {
          if (lists++ > 0) throw injected();
          return target.list(prefix);
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/**
 * The storage seen through its basic tier only (so sync walks it with `list`), whose folder
 * `vanishing` is deleted just before the walk lists it: the folder its parent listed is gone.
 */
function vanishingFolder(storage: SnapshotStorage, vanishing: string): SnapshotStorage {
  return {
    read: (key, options) => storage.read(key, options),
    write: (key, content, options) => storage.write(key, content, options),
    delete: (key) => storage.delete(key),
    exists: (key) => storage.exists(key),
    list: async (prefix) => {
      if (prefix === vanishing) {
        for (const key of await storage.list(prefix)) if (!key.endsWith("/")) await storage.delete(key);
      }
      return storage.list(prefix);
    },
  };
}

/**
 * rclone's first promise, "not deleting files as there were IO errors", for listings: a source
 * whose listing fails part-way, or whose folder vanishes while it is walked, makes the mirror copy
 * what it can, delete nothing, and reject with the listing's error, never take what it could not
 * list as deleted.
 */
export function syncListingFaultTests(t: SuiteContext<SnapshotStorage>): void {
  t.describe("mirroring from a source whose listing fails", () => {
    t.test("a listing that fails part-way rejects with its error and deletes nothing", async (source, open) => {
      const target = await open();
      await writeAll(source, SOURCE);
      await writeAll(target, MIRROR);
      const before = await allKeys(target, t.settings);
      const error = await expectRejects(
        () => syncStorages(failingListing(source, 2), "snap", target, "mirror"),
        SnapshotIOError,
        "syncStorages from a source whose listing fails after 2 files",
      );
      assert.ok(isStowageError(error, "E_IO"), "the listing's own error (E_IO) must reach the caller");
      assert.deepEqual(await allKeys(target, t.settings), before, "a failed listing must delete nothing");
      await assertContent(target, "mirror/extra", "x");
      await syncStorages(source, "snap", target, "mirror");
      assert.deepEqual(await target.exists("mirror/extra"), false, "once the listing works, the extra goes");
      await assertContent(target, "mirror/a", "a1");
    });

    t.test("a folder that vanishes while it is walked is a listing error, not an empty folder", async (source, open) => {
      const target = await open();
      await writeAll(source, SOURCE);
      await writeAll(target, MIRROR);
      const error = await expectRejects(
        () => syncStorages(vanishingFolder(source, "snap/b"), "snap", target, "mirror"),
        SnapshotIOError,
        "syncStorages from a source whose folder 'snap/b' vanishes mid-walk",
      );
      assert.ok(isStowageError(error, "E_IO"), "a vanished folder is E_IO");
      for (const key of ["mirror/b/1", "mirror/b/2", "mirror/extra"]) {
        assert.equal(await target.exists(key), true, `${key} must survive a walk that lost a folder`);
      }
    });
  });
}
