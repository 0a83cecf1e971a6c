import { abortErrorOf, toChunks, type ReadOptions, type StreamReadOptions, type WriteContent, type WriteOptions } from "@stowage/core";
import { broken, MemoryStorage, type BrokenAdapter } from "./broken.js";

/** Backends that drop the `signal` of issue 13's cancellation. */
export const ABORT_BUGS: readonly BrokenAdapter[] = [
  broken("write ignores its abort signal", "write: an abort mid-write (between chunks)", () => new (class extends MemoryStorage {
    override async write(path: string, content: WriteContent, options: WriteOptions = {}) {
      await super.write(path, content, options.mtime === undefined ? {} : { mtime: options.mtime });
    }
  })()),
  // The same bug where the source stalls: the write waits for it for ever. The test must fail it,
  // naming the promise, within its abort deadline instead of hanging.
  broken("write ignores its abort signal while the source stalls", "write: an abort mid-write (while the source stalls)", () => new (class extends MemoryStorage {
    override async write(path: string, content: WriteContent, options: WriteOptions = {}) {
      await super.write(path, content, options.mtime === undefined ? {} : { mtime: options.mtime });
    }
  })(), /write\('dir\/existing'\) aborted while the source stalls must reject promptly once its signal aborts: still not settled/),
  broken("write checks its signal only before it starts", "write: an abort mid-write (between chunks)", () => new (class extends MemoryStorage {
    override async write(path: string, content: WriteContent, options: WriteOptions = {}) {
      if (options.signal?.aborted === true) return super.write(path, content, options);
      await super.write(path, content);
    }
  })()),
  // Rejects at the abort, but its upload goes on: the pull in progress at the abort is awaited,
  // then what was read is committed (an in-flight request that completes after the caller gave up).
  broken("write rejects on abort but commits what it read later", "an aborted write changes nothing afterwards", () => new (class extends MemoryStorage {
    override write(path: string, content: WriteContent, options: WriteOptions = {}): Promise<void> {
      const { signal, ...rest } = options;
      if (signal === undefined || signal.aborted) return super.write(path, content, options);
      async function* untilAbort(): AsyncGenerator<Uint8Array, void, undefined> {
        for await (const chunk of toChunks(content)) {
          yield chunk;
          if (signal?.aborted === true) return;
        }
      }
      const upload = super.write(path, untilAbort(), rest);
      return new Promise<void>((resolve, reject) => {
        signal.addEventListener("abort", () => reject(abortErrorOf(signal, `the write of '${path}'`)), { once: true });
        upload.then(resolve, reject);
      });
    }
  })(), /aborted, once its source resumed must change nothing|must not create its file later/),
  // Rejects at the abort and keeps the old content, but goes on reading the whole source in the
  // background (a request body still being sent): the source is never stopped.
  broken("write rejects on abort but drains its source", "an aborted write changes nothing afterwards", () => new (class extends MemoryStorage {
    override write(path: string, content: WriteContent, options: WriteOptions = {}): Promise<void> {
      const { signal } = options;
      if (signal === undefined || signal.aborted) return super.write(path, content, options);
      return new Promise<void>((resolve, reject) => {
        const chunks: Uint8Array[] = [];
        const drain = (async () => {
          for await (const chunk of toChunks(content)) if (!signal.aborted) chunks.push(chunk);
        })();
        signal.addEventListener("abort", () => reject(abortErrorOf(signal, `the write of '${path}'`)), { once: true });
        drain.then(() => (signal.aborted ? undefined : super.write(path, chunks, { ...options, signal: undefined }))).then(resolve, reject);
      });
    }
  })(), /must read nothing more from its source once it rejected/),
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
