import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import {
  BlobBackend,
  collectBytes,
  isStowageError,
  SnapshotIOError,
  syncStorages,
  type BackendContent,
  type BlobOperation,
  type FileStat,
  type SnapshotStorage,
} from "../../src/index.js";
import { AdvancedMapStorage } from "./helpers/map-storage.js";

const MTIME = new Date("2026-01-02T03:04:05Z");
const KEYS = ["a", "b/1", "b/2", "c", "d/e/f", "g", "h"];

/**
 * A backend that lists both ways, per file and in batches of 3, and counts which one was read:
 * the base's batch protocol under test (core cannot depend on @stowage/local, its user).
 */
class Batching extends BlobBackend {
  itemsRead = 0;
  batchesRead = 0;
  failBatchesAfter = Number.POSITIVE_INFINITY;

  protected async readFile(key: string): Promise<Readable> {
    return Readable.from([Buffer.from(`content of ${key}`)]);
  }
  protected async writeFile(_key: string, _content: BackendContent): Promise<void> {
    throw new Error("read-only");
  }
  protected async statFile(key: string): Promise<FileStat | undefined> {
    return KEYS.includes(key) ? fileStat(key) : undefined;
  }
  protected async deleteFile(): Promise<void> {
    throw new Error("read-only");
  }
  protected async moveFile(): Promise<void> {
    throw new Error("read-only");
  }
  protected async *listFiles(): AsyncGenerator<FileStat, void, undefined> {
    for (const key of KEYS) {
      this.itemsRead++;
      yield fileStat(key);
    }
  }
  protected override classify(error: unknown, operation: BlobOperation, key: string): unknown {
    return isStowageError(error) ? error : new SnapshotIOError(`${operation} of '${key}' failed`, key, { cause: error });
  }
  protected override async *listFileBatches(): AsyncGenerator<FileStat[], void, undefined> {
    for (let i = 0; i < KEYS.length; i += 3) {
      if (this.batchesRead === this.failBatchesAfter) throw new Error("the next page was refused");
      this.batchesRead++;
      yield KEYS.slice(i, i + 3).map(fileStat);
    }
  }
}

function fileStat(key: string): FileStat {
  return { path: key, size: `content of ${key}`.length, mtime: MTIME };
}

async function mirrorWithExtra(): Promise<AdvancedMapStorage> {
  const mirror = new AdvancedMapStorage();
  await mirror.write("old", "kept unless the listing is whole");
  return mirror;
}

describe("listings in batches (a backend's listFileBatches)", () => {
  it("a sync reads the source in batches, and copies every file once", async () => {
    const source = new Batching();
    const mirror = await mirrorWithExtra();
    const report = await syncStorages(source, "", mirror, "");
    expect(report).toMatchObject({ copied: KEYS.length, deleted: 1 });
    expect([...mirror.files.keys()].sort()).toEqual([...KEYS].sort());
    expect(Buffer.from(await collectBytes(await mirror.read("d/e/f"))).toString()).toBe("content of d/e/f");
    expect(source.batchesRead).toBe(3);
    expect(source.itemsRead).toBe(0);
  });

  it("streamList still hands out files one at a time, from listFiles", async () => {
    const source = new Batching();
    const listed: string[] = [];
    for await (const file of source.streamList("")) listed.push(file.path);
    expect(listed).toEqual(KEYS);
    expect(source.itemsRead).toBe(KEYS.length);
    expect(source.batchesRead).toBe(0);
  });

  it("a wrapper that replaces streamList sees every entry a sync takes: batches never go around it", async () => {
    const source = new Batching();
    const seen: string[] = [];
    const wrapped = new Proxy(source, {
      get: (target, property) => {
        if (property === "streamList") {
          return async function* streamList(prefix: string): AsyncGenerator<FileStat, void, undefined> {
            for await (const file of target.streamList(prefix)) {
              seen.push(file.path);
              yield file;
            }
          };
        }
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    }) as SnapshotStorage;
    const mirror = await mirrorWithExtra();
    expect(await syncStorages(wrapped, "", mirror, "")).toMatchObject({ copied: KEYS.length });
    expect(seen).toEqual(KEYS);
    expect(source.batchesRead).toBe(0);
  });

  it("a batch that fails is classified, and the sync deletes nothing from the mirror", async () => {
    const source = new Batching();
    source.failBatchesAfter = 1;
    const mirror = await mirrorWithExtra();
    const error = await syncStorages(source, "", mirror, "").catch((caught: unknown) => caught);
    expect(isStowageError(error, "E_IO"), String(error)).toBe(true);
    expect((error as Error).message).toBe("list of '' failed");
    expect(mirror.files.has("old")).toBe(true);
  });
});
