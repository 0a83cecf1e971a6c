import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import {
  SnapshotNotFoundError,
  collectBytes,
  compareKeys,
  isUnderPrefix,
  normalizePrefix,
  rechunk,
  syncStorages,
  validateKey,
  type AdvancedSnapshotStorage,
  type ChunkSource,
  type FileStat,
  type SnapshotStorage,
  type SyncOptions,
  type WriteContent,
  type WriteOptions,
} from "../../../src/index.js";

/**
 * The smallest honest basic-tier storage, for testing core's helpers against real reads and
 * writes (core cannot depend on @stowage/memory, which depends on core).
 */
export class MapStorage implements SnapshotStorage {
  readonly files = new Map<string, { data: Buffer; mtime: Date }>();

  async read(path: string): Promise<Readable> {
    return Readable.from([this.get(path).data]);
  }

  async write(path: string, content: WriteContent, options: WriteOptions = {}): Promise<void> {
    validateKey(path);
    this.files.set(path, { data: await collectBytes(content), mtime: options.mtime ?? new Date() });
  }

  async list(prefix: string): Promise<string[]> {
    const folder = normalizePrefix(prefix);
    const start = folder === "" ? 0 : folder.length + 1;
    const entries = new Set<string>();
    for (const key of this.files.keys()) {
      if (!isUnderPrefix(key, folder)) continue;
      const slash = key.indexOf("/", start);
      entries.add(slash === -1 ? key : key.slice(0, slash + 1));
    }
    return [...entries].sort(compareKeys);
  }

  async delete(path: string): Promise<void> {
    this.files.delete(validateKey(path));
  }

  async exists(path: string): Promise<boolean> {
    return this.files.has(validateKey(path));
  }

  protected get(path: string): { data: Buffer; mtime: Date } {
    const file = this.files.get(validateKey(path));
    if (file === undefined) throw new SnapshotNotFoundError(path);
    return file;
  }
}

/** {@link MapStorage} with the advanced tier, each method as short as it can honestly be. */
export class AdvancedMapStorage extends MapStorage implements AdvancedSnapshotStorage {
  async *streamRead(path: string, options: { chunkSize?: number } = {}): AsyncGenerator<Uint8Array> {
    yield* rechunk([this.get(path).data], options.chunkSize ?? 256 * 1024);
  }

  async streamWrite(path: string, chunks: ChunkSource, options?: WriteOptions): Promise<void> {
    await this.write(path, chunks, options);
  }

  async atomicMove(src: string, dst: string): Promise<void> {
    const file = this.get(src);
    validateKey(dst);
    this.files.delete(src);
    this.files.set(dst, file);
  }

  async recursiveList(prefix: string): Promise<string[]> {
    const folder = normalizePrefix(prefix);
    return [...this.files.keys()].filter((key) => isUnderPrefix(key, folder)).sort(compareKeys);
  }

  async *streamList(prefix: string): AsyncGenerator<FileStat> {
    for (const key of await this.recursiveList(prefix)) if (this.files.has(key)) yield this.stat(key);
  }

  async stat(path: string): Promise<FileStat> {
    const { data, mtime } = this.get(path);
    return { path, size: data.byteLength, mtime, etag: createHash("md5").update(data).digest("hex") };
  }

  async sync(srcPrefix: string, dstPrefix: string, options?: SyncOptions) {
    return syncStorages(this, srcPrefix, this, dstPrefix, options);
  }
}
