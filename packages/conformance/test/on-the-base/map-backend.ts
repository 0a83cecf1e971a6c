import crypto from "node:crypto";
import {
  BlobBackend,
  compareKeys,
  fileFolderConflict,
  listFlatKeys,
  parentFolders,
  SnapshotConflictError,
  SnapshotNotFoundError,
  sortedKeysReader,
  type BackendContent,
  type BackendWriteOptions,
  type FileStat,
} from "@stowage/core";

/** One stored file: its bytes, its modification time (ms since the epoch) and its MD5. */
interface Entry {
  data: Buffer;
  mtime: number;
  etag: string;
}

/**
 * What a third-party author writes on core's {@link BlobBackend}: six primitives over a `Map`, and
 * nothing else. Keys, content, signals, mtime options, streamed reads, listings by level, `exists`,
 * `stat`, `recursiveList`, `streamWrite` and `sync` all come from the base.
 */
export class MapBackend extends BlobBackend {
  readonly #files = new Map<string, Entry>();
  /** Folder -> files below it, so that the file/folder rule answers at once. */
  readonly #folders = new Map<string, number>();
  #sorted: string[] | undefined;

  protected async readFile(key: string): Promise<AsyncIterable<Uint8Array>> {
    const { data } = this.#get(key);
    // A copy per read: a caller can never alter stored bytes.
    return (async function* () {
      yield Buffer.from(data);
    })();
  }

  protected async writeFile(key: string, content: BackendContent, options: BackendWriteOptions): Promise<void> {
    this.#assertWritable(key);
    let data: Buffer;
    if (content.bytes !== undefined) {
      data = Buffer.from(content.bytes);
    } else {
      const parts: Buffer[] = [];
      for await (const chunk of content.chunks) parts.push(Buffer.from(chunk));
      data = Buffer.concat(parts);
    }
    this.#assertWritable(key); // the world may have changed while the content streamed in
    this.#store(key, { data, mtime: options.mtime?.getTime() ?? Date.now(), etag: md5(data) });
  }

  protected async statFile(key: string): Promise<FileStat | undefined> {
    const file = this.#files.get(key);
    return file && { path: key, size: file.data.byteLength, mtime: new Date(file.mtime), etag: file.etag };
  }

  protected async deleteFile(key: string): Promise<void> {
    if (!this.#files.delete(key)) return;
    this.#sorted = undefined;
    for (const parent of parentFolders(key)) {
      const count = (this.#folders.get(parent) ?? 0) - 1;
      if (count > 0) this.#folders.set(parent, count);
      else this.#folders.delete(parent);
    }
  }

  protected async moveFile(src: string, dst: string): Promise<void> {
    const file = this.#get(src);
    this.#assertWritable(dst);
    await this.deleteFile(src);
    this.#store(dst, file);
  }

  protected async *listFiles(folder: string): AsyncGenerator<FileStat, void, undefined> {
    const read = (from: string, end: string | undefined, limit: number): readonly string[] => {
      this.#sorted ??= [...this.#files.keys()].sort(compareKeys);
      return sortedKeysReader(this.#sorted)(from, end, limit);
    };
    for await (const key of listFlatKeys(folder, read)) {
      const stat = await this.statFile(key);
      if (stat !== undefined) yield stat;
    }
  }

  #get(key: string): Entry {
    const file = this.#files.get(key);
    if (file === undefined) throw new SnapshotNotFoundError(key);
    return file;
  }

  #assertWritable(key: string): void {
    const reason = fileFolderConflict(key, { isFile: (k) => this.#files.has(k), isFolder: (k) => this.#folders.has(k) });
    if (reason !== undefined) throw new SnapshotConflictError(key, reason);
  }

  #store(key: string, file: Entry): void {
    if (!this.#files.has(key)) {
      for (const parent of parentFolders(key)) this.#folders.set(parent, (this.#folders.get(parent) ?? 0) + 1);
      this.#sorted = undefined;
    }
    this.#files.set(key, file);
  }
}

function md5(data: Buffer): string {
  return crypto.createHash("md5").update(data).digest("hex");
}
