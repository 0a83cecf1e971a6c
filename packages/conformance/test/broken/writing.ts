import {
  InvalidPathError,
  toChunks,
  validateKey,
  type ChunkSource,
  type WriteContent,
} from "@stowage/core";
import { MemoryStorage, broken, type BrokenAdapter } from "./broken.js";

/** What sloppy code makes of a bad key instead of rejecting it: strips what looks dangerous. */
function sanitize(key: unknown): string {
  return String(key).replaceAll("\\", "/").split("/").filter((s) => s !== "" && s !== "." && s !== "..").join("/") || "x";
}

/** Write bugs: validation, atomicity, failing sources, encodings. */
export const WRITING_BUGS: readonly BrokenAdapter[] = [
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
  broken("write resolves before the content is stored", "readable as soon as write resolves", () => new (class extends MemoryStorage {
    override async write(path: string, content: WriteContent) {
      validateKey(path);
      setImmediate(() => void super.write(path, content).catch(() => undefined));
    }
  })()),
  broken("streamWrite commits as it streams", "streamWrite: a source that fails half-way", () => new (class extends MemoryStorage {
    override async streamWrite(path: string, chunks: ChunkSource) {
      let written = Buffer.alloc(0);
      for await (const chunk of toChunks(chunks)) {
        written = Buffer.concat([written, chunk]);
        await super.write(path, written);
      }
    }
  })()),
  // The Redis adapter's bug: chunks queued for sending were the caller's buffer, not copies.
  broken("write keeps references to the source's chunks", "write content forms > a source that reuses one buffer", () => new (class extends MemoryStorage {
    override async write(path: string, content: WriteContent) {
      const kept: Uint8Array[] = [];
      for await (const chunk of toChunks(content)) kept.push(chunk);
      return super.write(path, kept);
    }
  })()),
  broken("streamWrite keeps references to the source's chunks", "streamWrite > from a source that reuses one buffer", () => new (class extends MemoryStorage {
    override async streamWrite(path: string, chunks: ChunkSource) {
      const kept: Uint8Array[] = [];
      for await (const chunk of toChunks(chunks)) kept.push(chunk);
      return super.write(path, kept);
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
  broken("write ignores the mtime it is given", "keep the mtime they are given", () => new (class extends MemoryStorage {
    override async write(path: string, content: WriteContent) {
      return super.write(path, content);
    }
  })()),
];
