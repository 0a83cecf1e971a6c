import crypto from "node:crypto";
import {
  BlobBackend,
  FileIndex,
  listFlatKeys,
  SnapshotNotFoundError,
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
 * What a third-party author writes on core's {@link BlobBackend}: six primitives over core's
 * `FileIndex` (a `Map` with the file/folder rule and sorted keys), and
 * nothing else. Keys, content, signals, mtime options, streamed reads, listings by level, `exists`,
 * `stat`, `recursiveList`, `streamWrite` and `sync` all come from the base.
 */
export class MapBackend extends BlobBackend {
  /** Files by key, with the folder counts and sorted keys of core's FileIndex. */
  readonly #files = new FileIndex<Entry>();

  protected async readFile(key: string): Promise<AsyncIterable<Uint8Array>> {
    const { data } = this.#get(key);
    // A copy per read: a caller can never alter stored bytes.
    return (async function* () {
      yield Buffer.from(data);
    })();
  }

  protected async writeFile(key: string, content: BackendContent, options: BackendWriteOptions): Promise<void> {
    this.#files.assertWritable(key);
    let data: Buffer;
    if (content.bytes !== undefined) {
      data = Buffer.from(content.bytes);
    } else {
      const parts: Buffer[] = [];
      for await (const chunk of content.chunks) parts.push(Buffer.from(chunk));
      data = Buffer.concat(parts);
    }
    const parents = this.#files.assertWritable(key); // the world may have changed while the content streamed in
    this.#files.set(key, { data, mtime: options.mtime?.getTime() ?? Date.now(), etag: md5(data) }, parents);
  }

  protected async statFile(key: string): Promise<FileStat | undefined> {
    const file = this.#files.get(key);
    return file && { path: key, size: file.data.byteLength, mtime: new Date(file.mtime), etag: file.etag };
  }

  protected async deleteFile(key: string): Promise<void> {
    this.#files.delete(key);
  }

  protected async moveFile(src: string, dst: string): Promise<void> {
    const file = this.#get(src);
    const parents = this.#files.assertWritable(dst);
    this.#files.delete(src);
    this.#files.set(dst, file, parents);
  }

  protected async *listFiles(folder: string): AsyncGenerator<FileStat, void, undefined> {
    for await (const key of listFlatKeys(folder, this.#files.readKeys)) {
      const stat = await this.statFile(key);
      if (stat !== undefined) yield stat;
    }
  }

  #get(key: string): Entry {
    const file = this.#files.get(key);
    if (file === undefined) throw new SnapshotNotFoundError(key);
    return file;
  }
}

function md5(data: Buffer): string {
  return crypto.createHash("md5").update(data).digest("hex");
}
