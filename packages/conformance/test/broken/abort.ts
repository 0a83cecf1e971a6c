import type { ReadOptions, StreamReadOptions, WriteContent, WriteOptions } from "@stowage/core";
import { broken, MemoryStorage, type BrokenAdapter } from "./broken.js";

/** Backends that drop the `signal` of issue 13's cancellation. */
export const ABORT_BUGS: readonly BrokenAdapter[] = [
  broken("write ignores its abort signal", "write: an abort mid-write (between chunks)", () => new (class extends MemoryStorage {
    override async write(path: string, content: WriteContent, options: WriteOptions = {}) {
      await super.write(path, content, options.mtime === undefined ? {} : { mtime: options.mtime });
    }
  })()),
  broken("write checks its signal only before it starts", "write: an abort mid-write (between chunks)", () => new (class extends MemoryStorage {
    override async write(path: string, content: WriteContent, options: WriteOptions = {}) {
      if (options.signal?.aborted === true) return super.write(path, content, options);
      await super.write(path, content);
    }
  })()),
  broken("read ignores its abort signal", "read: an abort mid-read", () => new (class extends MemoryStorage {
    override async read(path: string, options: ReadOptions = {}) {
      void options;
      return super.read(path);
    }
  })()),
  broken("streamRead ignores its abort signal", "streamRead: an abort mid-read", () => new (class extends MemoryStorage {
    override async *streamRead(path: string, options: StreamReadOptions = {}) {
      yield* super.streamRead(path, options.chunkSize === undefined ? {} : { chunkSize: options.chunkSize });
    }
  })()),
  broken("sync ignores its abort signal", "sync: an abort mid-sync", () => new (class extends MemoryStorage {
    override async sync(srcPrefix: string, dstPrefix: string) {
      return super.sync(srcPrefix, dstPrefix);
    }
  })()),
];
