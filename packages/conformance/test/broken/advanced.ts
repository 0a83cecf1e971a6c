import { randomUUID } from "node:crypto";
import {
  SnapshotNotFoundError,
  collectBytes,
  validateKey,
  type FileStat,
  type StreamReadOptions,
  type WriteContent,
} from "@stowage/core";
import { MemoryStorage, broken, type BrokenAdapter } from "./broken.js";

/** Advanced-tier bugs: chunk sizes, stat, etags, moves, a missing method. */
export const ADVANCED_BUGS: readonly BrokenAdapter[] = [
  broken("streamRead ignores chunkSize", "a custom chunkSize is honoured", () => new (class extends MemoryStorage {
    override streamRead(path: string) { return super.streamRead(path); }
  })()),
  broken("streamRead yields one chunk", "default chunks are", () => new (class extends MemoryStorage {
    override async *streamRead(path: string) { yield await collectBytes(super.streamRead(path)); }
  })()),
  broken("streamRead ends with an empty chunk", "without an empty chunk", () => new (class extends MemoryStorage {
    override async *streamRead(path: string, options?: StreamReadOptions) {
      yield* super.streamRead(path, options);
      yield new Uint8Array(0);
    }
  })()),
  // A backend that reports when a key was created (or keeps the first write's metadata) instead
  // of when its content last changed: sync by mtime would then never see an update.
  broken("stat reports the first write's mtime", "follows an overwrite", () => new (class extends MemoryStorage {
    readonly created = new Map<string, Date>();
    override async stat(path: string): Promise<FileStat> {
      const stat = await super.stat(path);
      const created = this.created.get(path) ?? stat.mtime;
      this.created.set(path, created);
      return { ...stat, mtime: created };
    }
  })()),
  broken("stat counts a string's characters, not its bytes", "reports the path, size and modification time", () => new (class extends MemoryStorage {
    readonly lengths = new Map<string, number>();
    override async write(path: string, content: WriteContent) {
      await super.write(path, content);
      if (typeof content === "string") this.lengths.set(path, content.length);
      else this.lengths.delete(path);
    }
    override async stat(path: string): Promise<FileStat> {
      const stat = await super.stat(path);
      return { ...stat, size: this.lengths.get(path) ?? stat.size };
    }
  })()),
  broken("stat of a missing file names another path", "stat of a missing file", () => new (class extends MemoryStorage {
    override async stat(path: string): Promise<FileStat> {
      if (!(await this.exists(path))) throw new SnapshotNotFoundError(`/data/${path}`);
      return super.stat(path);
    }
  })()),
  broken("stat size counts UTF-16 units of the decoded text", "reports the path, size and modification time", () => new (class extends MemoryStorage {
    override async stat(path: string) {
      const stat = await super.stat(path);
      return { ...stat, size: (await collectBytes(await this.read(path))).toString("utf8").length };
    }
  })()),
  broken("stat mtime is a string", "reports the path, size and modification time", () => new (class extends MemoryStorage {
    override async stat(path: string) {
      const stat = await super.stat(path);
      return { ...stat, mtime: stat.mtime.toISOString() as unknown as Date };
    }
  })()),
  broken("etag derived from the size", "etags, when present", () => new (class extends MemoryStorage {
    override async stat(path: string) {
      const stat = await super.stat(path);
      return { ...stat, etag: `size-${stat.size}` };
    }
  })()),
  broken("etag changes on every listing", "a second run skips every unchanged file", () => new (class extends MemoryStorage {
    override async stat(path: string) { return { ...(await super.stat(path)), etag: randomUUID() }; }
    override async *streamList(prefix: string) {
      for await (const stat of super.streamList(prefix)) yield { ...stat, etag: randomUUID() };
    }
  })()),
  broken("atomicMove keeps the source", "removes the source", () => new (class extends MemoryStorage {
    override async atomicMove(src: string, dst: string) {
      validateKey(dst);
      const data = await collectBytes(await this.read(src));
      if (src !== dst) await this.write(dst, data);
    }
  })()),
  broken("atomicMove refuses to replace", "replaces an existing destination", () => new (class extends MemoryStorage {
    override async atomicMove(src: string, dst: string) {
      if (src !== dst && (await this.exists(dst))) throw new Error(`'${dst}' exists`);
      return super.atomicMove(src, dst);
    }
  })()),
  broken("atomicMove onto itself deletes the file", "a move onto itself", () => new (class extends MemoryStorage {
    override async atomicMove(src: string, dst: string) {
      await super.atomicMove(src, dst);
      if (src === dst) await this.delete(src);
    }
  })()),
  broken("claims the advanced tier without stat", "isAdvancedSnapshotStorage and requiresAdvancedStorage accept it", () =>
    Object.assign(new MemoryStorage(), { stat: undefined as unknown as MemoryStorage["stat"] })),
];
