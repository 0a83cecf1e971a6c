import {
  checkGarbageOptions,
  collectBytes,
  normalizePrefix,
  type CollectGarbageOptions,
  type FileStat,
  type GarbageReport,
  type WriteContent,
  type WriteOptions,
} from "@stowage/core";
import { MemoryStorage, broken, type BrokenAdapter } from "./broken.js";

/** A MemoryStorage with a `collectGarbage` that removes the files `isGarbage` picks (MemoryStorage has none). */
class CollectingMemoryStorage extends MemoryStorage {
  protected isGarbage(stat: FileStat): boolean {
    void stat;
    return false;
  }

  async collectGarbage(options: CollectGarbageOptions): Promise<GarbageReport> {
    const { dryRun } = checkGarbageOptions(options);
    const found: string[] = [];
    for await (const stat of this.streamList("")) if (this.isGarbage(stat)) found.push(stat.path);
    if (!dryRun) for (const key of found) await this.delete(key);
    return { found: found.length, removed: dryRun ? 0 : found.length };
  }
}

/** The bugs of issue 21: each passed the whole blob suite before it had the test named here. */
export const PROMISE_BUGS: readonly BrokenAdapter[] = [
  broken("streamList reads the whole listing at the first next()", "reads as it is consumed, page by page", () => new (class extends MemoryStorage {
    override async *streamList(prefix: string) {
      const stats: FileStat[] = [];
      for await (const stat of super.streamList(prefix)) stats.push(stat);
      yield* stats;
    }
  })(), /must read its later pages as it comes to them/),
  broken("streamList runs past its folder after 1000 entries", "streamList > lists", () => new (class extends MemoryStorage {
    override async *streamList(prefix: string) {
      const folder = normalizePrefix(prefix);
      let yielded = 0;
      // The second page is asked for without the folder's end: it runs on into the next sibling.
      for await (const stat of super.streamList("")) {
        const inside = folder === "" || stat.path.startsWith(`${folder}/`);
        if (inside || (yielded >= 1000 && stat.path > folder)) {
          yielded++;
          yield stat;
        }
      }
    }
  })(), /no entry of a sibling folder/),
  broken("listings drop keys holding U+FFFD", "lists tricky keys (U+FFFD", () => new (class extends MemoryStorage {
    override async *streamList(prefix: string) {
      for await (const stat of super.streamList(prefix)) if (!stat.path.includes("\uFFFD")) yield stat;
    }
  })(), /must list every key exactly as written/),
  broken("write drops the mtime of a Readable or an iterable", "write keeps the mtime given with every content form", () => new (class extends MemoryStorage {
    override async write(path: string, content: WriteContent, options: WriteOptions = {}) {
      const kept = typeof content === "string" || content instanceof Uint8Array;
      const { mtime, ...rest } = options;
      return super.write(path, content, kept && mtime !== undefined ? { ...rest, mtime } : rest);
    }
  })(), /write from Readable with \{ mtime \}/),
  broken("stat keeps the old mtime after a same-size overwrite", "follows an overwrite, of another size or the same", () => new (class extends MemoryStorage {
    readonly seen = new Map<string, FileStat>();
    override async stat(path: string): Promise<FileStat> {
      const stat = await super.stat(path);
      const before = this.seen.get(path);
      if (before !== undefined && before.size === stat.size) return before;
      this.seen.set(path, stat);
      return stat;
    }
  })(), /mtime must advance on an overwrite of the same size/),
  broken("streamList reports the first write's size and mtime", "is what stat() says, overwritten files included", () => new (class extends MemoryStorage {
    readonly first = new Map<string, FileStat>();
    override async write(path: string, content: WriteContent, options?: WriteOptions) {
      await super.write(path, content, options);
      if (!this.first.has(path)) this.first.set(path, await this.stat(path));
    }
    override async *streamList(prefix: string) {
      for await (const stat of super.streamList(prefix)) yield this.first.get(stat.path) ?? stat;
    }
  })(), /in the listing, after the last write/),
  broken("collectGarbage removes empty files", "leaves every file whole", () => new (class extends CollectingMemoryStorage {
    protected override isGarbage(stat: FileStat) {
      return stat.size === 0;
    }
  })()),
  broken("collectGarbage removes overwritten files", "leaves every file whole", () => new (class extends CollectingMemoryStorage {
    readonly writes = new Map<string, number>();
    override async write(path: string, content: WriteContent, options?: WriteOptions) {
      await super.write(path, content, options);
      this.writes.set(path, (this.writes.get(path) ?? 0) + 1);
    }
    protected override isGarbage(stat: FileStat) {
      return (this.writes.get(stat.path) ?? 0) > 1;
    }
  })()),
  broken("atomicMove resets the mtime", "the moved file keeps its mtime", () => new (class extends MemoryStorage {
    override async atomicMove(src: string, dst: string) {
      const data = await collectBytes(await this.read(src));
      await super.atomicMove(src, dst);
      if (src !== dst) await this.write(dst, data);
    }
  })(), /a moved file/),
];
