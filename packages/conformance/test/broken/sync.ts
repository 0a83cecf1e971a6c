import {
  SyncError,
  collectBytes,
  isUnderPrefix,
  normalizePrefix,
  syncStorages,
  type SnapshotStorage,
  type SyncCopier,
  type SyncOptions,
  type SyncReport,
} from "@stowage/core";
import { MemoryStorage, broken, type BrokenAdapter } from "./broken.js";

/** A second object that forwards to `storage`, so `source === target` checks no longer see one storage. */
function alias(storage: MemoryStorage): MemoryStorage {
  return new Proxy(storage, {
    get: (target, property) => {
      // Without `place`, too: a storage that says where it is is caught by place (issue 24).
      if (property === "place") return undefined;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** Sync bugs: deletes, dry runs, overlap, prefixes, reports, copying. */
export const SYNC_BUGS: readonly BrokenAdapter[] = [
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
  broken("sync report miscounts", "the report counts what the progress events name", () => new (class extends MemoryStorage {
    override async sync(from: string, to: string, options?: SyncOptions) {
      const report = await super.sync(from, to, options);
      return { ...report, deleted: report.deleted > 0 ? report.deleted - 1 : 0 };
    }
  })()),
  broken("sync copies through text", "copies a tree into an empty target", () => new (class extends MemoryStorage {
    override syncCopier(source: SnapshotStorage): SyncCopier {
      return {
        copy: async (from, to, stat) => this.write(to, (await collectBytes(await source.read(from))).toString("utf8"), { mtime: stat.mtime }),
        finish: async () => undefined,
      };
    }
  })()),
  broken("sync copies with a new mtime", "sync carries each source file's mtime", () => new (class extends MemoryStorage {
    override syncCopier(source: SnapshotStorage): SyncCopier {
      return {
        copy: async (from, to) => this.write(to, await source.read(from)),
        finish: async () => undefined,
      };
    }
  })()),
  broken("sync skips a same-size source that is older (the old 'target not older' rule)", "a source rolled back to an older copy", () => new (class extends MemoryStorage {
    override async sync(from: string, to: string, options: SyncOptions = {}) {
      return super.sync(from, to, { ...options, compare: "size" });
    }
  })()),
];
