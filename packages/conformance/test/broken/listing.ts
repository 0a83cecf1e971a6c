import {
  SnapshotNotFoundError,
  isUnderPrefix,
  normalizePrefix,
  type WriteContent,
} from "@stowage/core";
import { MemoryStorage, broken, type BrokenAdapter } from "./broken.js";

/** Listing bugs: order, depth, prefix boundaries, lingering folders. */
export const LISTING_BUGS: readonly BrokenAdapter[] = [
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
  broken("list stops after one page of 1000", "files and 2 folders lists completely", () => new (class extends MemoryStorage {
    override async list(prefix: string) { return (await super.list(prefix)).slice(0, 1000); }
  })()),
  broken("recursiveList stops after one page of 1000", "files and 2 folders lists completely", () => new (class extends MemoryStorage {
    override async recursiveList(prefix: string) { return (await super.recursiveList(prefix)).slice(0, 1000); }
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
  broken("list hides empty files", "an empty file exists, is listed", () => new (class extends MemoryStorage {
    override async list(prefix: string) {
      const entries = await super.list(prefix);
      const sizes = await Promise.all(entries.map(async (entry) => (entry.endsWith("/") ? 1 : (await this.stat(entry)).size)));
      return entries.filter((_, i) => sizes[i] !== 0);
    }
  })()),
  broken("recursiveList includes folder entries", "recursiveList > lists every file below a folder", () => new (class extends MemoryStorage {
    override async recursiveList(prefix: string) {
      const files = await super.recursiveList(prefix);
      const folders = new Set(files.flatMap((key) => (key.includes("/") ? [key.slice(0, key.lastIndexOf("/") + 1)] : [])));
      return [...files, ...folders].sort();
    }
  })()),
  broken("recursiveList matches prefixes with startsWith", "recursiveList > prefixes match whole segments", () => new (class extends MemoryStorage {
    override async recursiveList(prefix: string) { return (await super.recursiveList("")).filter((key) => key.startsWith(normalizePrefix(prefix))); }
  })()),
  broken("recursiveList not sorted", "recursiveList > sorted", () => new (class extends MemoryStorage {
    override async recursiveList(prefix: string) { return (await super.recursiveList(prefix)).reverse(); }
  })()),
  broken("list holds its own folder", "core's deep walk through list ends", () => new (class extends MemoryStorage {
    override async list(prefix: string) {
      const entries = await super.list(prefix);
      const folder = normalizePrefix(prefix);
      return folder === "" ? entries : [`${folder}/`, ...entries];
    }
  })()),
  broken("streamList out of order", "streamList > yields in compareKeys order", () => new (class extends MemoryStorage {
    override async *streamList(prefix: string) {
      const stats = [];
      for await (const stat of super.streamList(prefix)) stats.push(stat);
      yield* stats.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    }
  })()),
  broken("streamList reads the whole listing when called", "is lazy", () => new (class extends MemoryStorage {
    override streamList(prefix: string) {
      const whole = (async () => {
        const stats = [];
        for await (const stat of super.streamList(prefix)) stats.push(stat);
        return stats;
      })();
      return (async function* () {
        yield* await whole;
      })();
    }
  })()),
  broken("streamList misses nested files", "yields every file below a folder", () => new (class extends MemoryStorage {
    override async *streamList(prefix: string) {
      const depth = normalizePrefix(prefix).split("/").length;
      for await (const stat of super.streamList(prefix)) if (stat.path.split("/").length <= depth + 1) yield stat;
    }
  })()),
  broken("streamList reports a stale size", "is what stat() says", () => new (class extends MemoryStorage {
    override async *streamList(prefix: string) {
      for await (const stat of super.streamList(prefix)) yield { ...stat, size: stat.size + 1 };
    }
  })()),
];
