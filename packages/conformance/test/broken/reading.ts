import { Readable } from "node:stream";
import {
  collectBytes,
  SnapshotNotFoundError,
  validateKey,
  type WriteContent,
} from "@stowage/core";
import { MemoryStorage, broken, type BrokenAdapter } from "./broken.js";

/** Read, exists and delete bugs: lazy or untyped errors, prefix matches, folders. */
export const READING_BUGS: readonly BrokenAdapter[] = [
  broken("exists throws synchronously", "exists(…) rejects every path attack", () => new (class extends MemoryStorage {
    override exists(path: string): Promise<boolean> {
      validateKey(path);
      return super.exists(path);
    }
  })()),
  broken("'+' decoded as a space", "three different files", () => new (class extends MemoryStorage {
    override async write(path: string, content: WriteContent) { return super.write(path.replaceAll("+", " "), content); }
    override async read(path: string) { return super.read(path.replaceAll("+", " ")); }
  })()),
  // A case-insensitive filesystem (macOS, Windows) under a local adapter behaves like this.
  broken("keys folded to lower case", "keys differing only by case", () => new (class extends MemoryStorage {
    override async write(path: string, content: WriteContent) { return super.write(path.toLowerCase(), content); }
    override async read(path: string) { return super.read(path.toLowerCase()); }
  })()),
  // APFS and some web stacks normalize names; stowage keys are exact code-point strings.
  broken("keys normalized to NFC", "NFC and NFD spellings", () => new (class extends MemoryStorage {
    override async write(path: string, content: WriteContent) { return super.write(path.normalize("NFC"), content); }
    override async read(path: string) { return super.read(path.normalize("NFC")); }
  })()),
  broken("read resolves to an async iterable, not a Readable", "through a Readable", () => new (class extends MemoryStorage {
    override async read(path: string) { return this.streamRead(path) as unknown as Readable; }
  })()),
  broken("read fetches each chunk from the current version", "never a mix", () => new (class extends MemoryStorage {
    override async read(path: string) {
      const size = (await this.stat(path)).size;
      const current = async () => collectBytes(await super.read(path));
      return Readable.from((async function* () {
        for (let offset = 0; offset < size; offset += 65_536) yield (await current()).subarray(offset, offset + 65_536);
      })());
    }
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
  broken("exists matches a string prefix", "exists is true for files and false", () => new (class extends MemoryStorage {
    override async exists(path: string) { validateKey(path); return (await this.recursiveList("")).some((key) => key.startsWith(path)); }
  })()),
  broken("delete matches a string prefix", "delete removes a file and leaves its siblings", () => new (class extends MemoryStorage {
    override async delete(path: string) {
      validateKey(path);
      for (const key of await this.recursiveList("")) if (key.startsWith(path)) await super.delete(key);
    }
  })()),
  broken("read matches a string prefix", "string prefix of a file is SnapshotNotFoundError", () => new (class extends MemoryStorage {
    override async read(path: string) {
      validateKey(path);
      const match = (await this.recursiveList("")).find((key) => key.startsWith(path));
      return super.read(match ?? path);
    }
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
];
