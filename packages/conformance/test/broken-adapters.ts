import { randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import {
  InvalidPathError,
  SnapshotNotFoundError,
  SyncError,
  collectBytes,
  isUnderPrefix,
  normalizePrefix,
  syncStorages,
  toChunks,
  validateKey,
  type FileStat,
  type StreamReadOptions,
  type SyncOptions,
  type SyncReport,
  type WriteContent,
} from "@stowage/core";
// By path, not by package name: @stowage/memory depends on this package to run the suite, and a
// dependency back would be a cycle. packages/conformance/turbo.json adds memory's src to the inputs.
import { MemoryStorage } from "../../memory/src/index.js";

/** A deliberately broken backend, and a test (by name fragment) that must catch it. */
export interface BrokenAdapter {
  name: string;
  create: () => MemoryStorage;
  caughtBy: string;
}

/** What sloppy code makes of a bad key instead of rejecting it: strips what looks dangerous. */
function sanitize(key: unknown): string {
  return String(key).replaceAll("\\", "/").split("/").filter((s) => s !== "" && s !== "." && s !== "..").join("/") || "x";
}

/** A second object that forwards to `storage`, so `source === target` checks no longer see one storage. */
function alias(storage: MemoryStorage): MemoryStorage {
  return new Proxy(storage, {
    get: (target, property) => {
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

const broken = (name: string, caughtBy: string, make: () => MemoryStorage): BrokenAdapter => ({ name, caughtBy, create: make });

/** Each class below differs from MemoryStorage in exactly one plausible bug. */
export const BROKEN_ADAPTERS: readonly BrokenAdapter[] = [
  broken("list not sorted", "lists one level", () => new (class extends MemoryStorage {
    override async list(prefix: string) { return (await super.list(prefix)).reverse(); }
  })()),
  broken("list sorted by UTF-16 units", "list > sorted by code point", () => new (class extends MemoryStorage {
    override async list(prefix: string) { return (await super.list(prefix)).sort(); }
  })()),
  broken("list deep instead of one level", "lists one level", () => new (class extends MemoryStorage {
    override async list(prefix: string) { return super.recursiveList(prefix); }
  })()),
  broken("list matches prefixes with startsWith", "list > prefixes match whole segments", () => new (class extends MemoryStorage {
    override async list(prefix: string) {
      normalizePrefix(prefix);
      const entries = new Set<string>();
      for (const key of await super.recursiveList("")) {
        if (!key.startsWith(prefix)) continue;
        const slash = key.indexOf("/", prefix.length + (prefix.endsWith("/") || prefix === "" ? 0 : 1));
        entries.add(slash === -1 ? key : key.slice(0, slash + 1));
      }
      return [...entries].sort();
    }
  })()),
  broken("list of a missing folder throws", "a missing folder", () => new (class extends MemoryStorage {
    override async list(prefix: string) {
      const entries = await super.list(prefix);
      if (entries.length === 0 && prefix !== "") throw new SnapshotNotFoundError(prefix);
      return entries;
    }
  })()),
  broken("folders linger after their last file", "folders vanish", () => new (class extends MemoryStorage {
    readonly seen = new Set<string>();
    override async write(path: string, content: WriteContent) {
      await super.write(path, content);
      if (path.includes("/")) this.seen.add(path.slice(0, path.lastIndexOf("/") + 1));
    }
    override async list(prefix: string) {
      const folder = normalizePrefix(prefix);
      const extra = [...this.seen].filter((f) => f.slice(0, -1).lastIndexOf("/") === (folder === "" ? -1 : folder.length) && isUnderPrefix(f, folder));
      return [...new Set([...(await super.list(prefix)), ...extra])].sort();
    }
  })()),
  broken("recursiveList matches prefixes with startsWith", "recursiveList > prefixes match whole segments", () => new (class extends MemoryStorage {
    override async recursiveList(prefix: string) { return (await super.recursiveList("")).filter((key) => key.startsWith(normalizePrefix(prefix))); }
  })()),
  broken("recursiveList not sorted", "recursiveList > sorted", () => new (class extends MemoryStorage {
    override async recursiveList(prefix: string) { return (await super.recursiveList(prefix)).reverse(); }
  })()),
  broken("no path validation (sanitizes instead)", "write(…) rejects every path attack", () => new (class extends MemoryStorage {
    override async write(path: string, content: WriteContent) { return super.write(sanitize(path), content); }
    override async read(path: string) { return super.read(sanitize(path)); }
  })()),
  broken("bad paths rejected with a TypeError", "delete(…) rejects every path attack", () => new (class extends MemoryStorage {
    override async delete(path: string) {
      if (typeof path !== "string") throw new TypeError("key must be a string");
      return super.delete(path);
    }
  })()),
  broken("exists throws synchronously", "exists(…) rejects every path attack", () => new (class extends MemoryStorage {
    override exists(path: string): Promise<boolean> {
      validateKey(path);
      return super.exists(path);
    }
  })()),
  broken("write not atomic (commits as it streams)", "keeps the old content", () => new (class extends MemoryStorage {
    override async write(path: string, content: WriteContent) {
      validateKey(path);
      let written = Buffer.alloc(0);
      for await (const chunk of toChunks(content)) {
        written = Buffer.concat([written, chunk]);
        await super.write(path, written);
      }
      await super.write(path, written);
    }
  })()),
  broken("write truncates before it streams", "keeps the old content", () => new (class extends MemoryStorage {
    override async write(path: string, content: WriteContent) {
      await super.delete(path);
      await super.write(path, content);
    }
  })()),
  broken("write leaves a partial file on failure", "creates neither the file nor its folders", () => new (class extends MemoryStorage {
    override async write(path: string, content: WriteContent) {
      try {
        await super.write(path, content);
      } catch (error) {
        await super.write(`${path}.partial`, "");
        throw error;
      }
    }
  })()),
  broken("a new file shows (empty) while it is written", "a new file is invisible until its write completes", () => new (class extends MemoryStorage {
    override async write(path: string, content: WriteContent) {
      if (!(await super.exists(path))) await super.write(path, "");
      await super.write(path, content);
    }
  })()),
  broken("write wraps the source error without cause", "the rejection is the source's own error", () => new (class extends MemoryStorage {
    override async write(path: string, content: WriteContent) {
      try {
        await super.write(path, content);
      } catch (error) {
        throw error instanceof InvalidPathError ? error : new Error("write failed");
      }
    }
  })()),
  broken("strings stored as latin1", "a string is stored as UTF-8", () => new (class extends MemoryStorage {
    override async write(path: string, content: WriteContent) {
      return super.write(path, typeof content === "string" ? Buffer.from(content, "latin1") : content);
    }
  })()),
  broken("Uint8Array views stored with their whole buffer", "a Uint8Array view", () => new (class extends MemoryStorage {
    override async write(path: string, content: WriteContent) {
      return super.write(path, content instanceof Uint8Array ? new Uint8Array(content.buffer) : content);
    }
  })()),
  broken("'+' decoded as a space", "three different files", () => new (class extends MemoryStorage {
    override async write(path: string, content: WriteContent) { return super.write(path.replaceAll("+", " "), content); }
    override async read(path: string) { return super.read(path.replaceAll("+", " ")); }
  })()),
  broken("read resolves to an async iterable, not a Readable", "through a Readable", () => new (class extends MemoryStorage {
    override async read(path: string) { return this.streamRead(path) as unknown as Readable; }
  })()),
  broken("read of a missing file fails only when streamed", "read of a missing file", () => new (class extends MemoryStorage {
    override async read(path: string) { return Readable.from(this.streamRead(path)); }
  })()),
  broken("read of a missing file throws a plain Error", "read of a missing file", () => new (class extends MemoryStorage {
    override async read(path: string) {
      if (!(await this.exists(path))) throw new Error(`ENOENT: ${path}`);
      return super.read(path);
    }
  })()),
  broken("exists true for folders", "exists is true for files and false", () => new (class extends MemoryStorage {
    override async exists(path: string) { return (await super.exists(path)) || (await super.list(path)).length > 0; }
  })()),
  broken("exists answers 1 or 0", "exists is true for files and false", () => new (class extends MemoryStorage {
    override async exists(path: string) { return ((await super.exists(path)) ? 1 : 0) as unknown as boolean; }
  })()),
  broken("delete of a missing file throws", "delete is idempotent", () => new (class extends MemoryStorage {
    override async delete(path: string) {
      if (!(await this.exists(path))) throw new SnapshotNotFoundError(path);
      return super.delete(path);
    }
  })()),
  broken("delete of a folder deletes its contents", "delete of a folder path is a no-op", () => new (class extends MemoryStorage {
    override async delete(path: string) {
      for (const key of await this.recursiveList(path)) await super.delete(key);
      return super.delete(path);
    }
  })()),
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
  broken("stat of a missing file names another path", "stat of a missing file", () => new (class extends MemoryStorage {
    override async stat(path: string): Promise<FileStat> {
      if (!(await this.exists(path))) throw new SnapshotNotFoundError(`/data/${path}`);
      return super.stat(path);
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
  broken("etag changes on every stat", "a second run skips every unchanged file", () => new (class extends MemoryStorage {
    override async stat(path: string) { return { ...(await super.stat(path)), etag: randomUUID() }; }
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
  broken("sync never deletes", "deletes target files missing from the source", () => new (class extends MemoryStorage {
    override async sync(from: string, to: string, options?: SyncOptions) { return super.sync(from, to, { ...options, deleteExtraneous: false }); }
  })()),
  broken("sync deletes despite a failed copy", "a failed copy raises SyncError and deletes nothing", () => new (class extends MemoryStorage {
    override async sync(from: string, to: string, options?: SyncOptions) {
      try {
        return await super.sync(from, to, options);
      } catch (error) {
        if (error instanceof SyncError) {
          const sources = new Set((await this.recursiveList(from)).map((key) => key.slice(from.length + 1)));
          for (const key of await this.recursiveList(to)) if (!sources.has(key.slice(to.length + 1))) await this.delete(key);
        }
        throw error;
      }
    }
  })()),
  broken("sync ignores dryRun", "dryRun changes nothing", () => new (class extends MemoryStorage {
    override async sync(from: string, to: string, options: SyncOptions = {}): Promise<SyncReport> {
      return { ...(await super.sync(from, to, { ...options, dryRun: false })), dryRun: options.dryRun ?? false };
    }
  })()),
  broken("sync allows overlapping prefixes", "overlapping prefixes are rejected", () => new (class extends MemoryStorage {
    override async sync(from: string, to: string, options?: SyncOptions) { return syncStorages(this, from, alias(this), to, options); }
  })()),
  broken("sync deletes string-prefix neighbours", "nothing outside the target", () => new (class extends MemoryStorage {
    override async sync(from: string, to: string, options?: SyncOptions) {
      const report = await super.sync(from, to, options);
      for (const key of await this.recursiveList("")) if (key.startsWith(normalizePrefix(to)) && !isUnderPrefix(key, normalizePrefix(to))) await this.delete(key);
      return report;
    }
  })()),
  broken("sync report not sorted", "reports are sorted", () => new (class extends MemoryStorage {
    override async sync(from: string, to: string, options?: SyncOptions) {
      const report = await super.sync(from, to, options);
      return { ...report, copied: [...report.copied].sort(), deleted: [...report.deleted].reverse() };
    }
  })()),
  broken("sync copies through text", "copies a tree into an empty target", () => new (class extends MemoryStorage {
    override async sync(from: string, to: string, options?: SyncOptions) {
      return syncStorages(this, from, this, to, options, {
        copy: async (source, target) => this.write(target, (await collectBytes(await this.read(source))).toString("utf8")),
      });
    }
  })()),
  broken("claims the advanced tier without stat", "isAdvancedSnapshotStorage and requiresAdvancedStorage accept it", () =>
    Object.assign(new MemoryStorage(), { stat: undefined as unknown as MemoryStorage["stat"] })),
];
