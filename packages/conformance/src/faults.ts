import { isAdvancedSnapshotStorage, type FileStat, type SnapshotStorage, type SyncCopier, type WriteContent, type WriteOptions } from "@stowage/core";

/** What {@link watchedStorage} calls around the storage's changes. */
export interface StorageWatch {
  /** Called before each `write` or native copy onto `key`; throwing fails that write or copy. */
  beforeWrite?: (key: string) => void;
  /**
   * Called once each change has resolved, as `write KEY`, `copy KEY` (a native copy of a
   * `syncCopier`), `move SRC DST` or `delete KEY`.
   */
  done?: (change: string) => void;
}

/**
 * The storage, with `watch` told about its changes: a way to inject a failed write, or to see the
 * order of changes, that a real backend cannot offer on demand. Methods are bound to the storage
 * itself, so private fields keep working; its brands (native copies) stay visible.
 */
export function watchedStorage<S extends SnapshotStorage>(storage: S, watch: StorageWatch): S {
  const before = (key: string): void => watch.beforeWrite?.(key);
  const done = (change: string): void => watch.done?.(change);
  return new Proxy(storage, {
    get: (target, property) => {
      if (property === "write") {
        return async (key: string, content: WriteContent, options?: WriteOptions) => {
          before(key);
          await target.write(key, content, options);
          done(`write ${key}`);
        };
      }
      if (property === "delete") {
        return async (key: string) => {
          await target.delete(key);
          done(`delete ${key}`);
        };
      }
      if (property === "atomicMove" && isAdvancedSnapshotStorage(target)) {
        return async (src: string, dst: string) => {
          await target.atomicMove(src, dst);
          done(`move ${src} ${dst}`);
        };
      }
      if (property === "syncCopier" && isAdvancedSnapshotStorage(target) && target.syncCopier !== undefined) {
        return (source: SnapshotStorage): SyncCopier | undefined => {
          const copier = target.syncCopier?.(source);
          if (copier === undefined) return undefined;
          return {
            copy: async (sourceKey: string, targetKey: string, stat: FileStat) => {
              before(targetKey);
              await copier.copy(sourceKey, targetKey, stat);
              done(`copy ${targetKey}`);
            },
            finish: () => copier.finish(),
          };
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** The storage, except that writing `failingKey` fails, through `write` or a native copy. */
export function failingWritesTo<S extends SnapshotStorage>(storage: S, failingKey: string): S {
  return watchedStorage(storage, {
    beforeWrite: (key) => {
      if (key === failingKey) throw new Error(`injected failure writing '${key}'`);
    },
  });
}
