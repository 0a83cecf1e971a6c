import assert from "node:assert/strict";
import { Readable } from "node:stream";
import type { SnapshotStorage } from "@stowage/core";
import { assertContent, readBytes } from "../bytes.js";
import { expectNotFound } from "../expect-error.js";
import type { SuiteContext } from "../fixture.js";
import { writeAll } from "../inspect.js";

/** The five basic operations on their happy paths, overwrite, delete and exists. */
export function basicOperationTests(t: SuiteContext<SnapshotStorage>): void {
  t.describe("basic operations", () => {
    t.test("write then read returns the same bytes through a Readable", async (storage) => {
      assert.equal(await storage.write("notes/hello.txt", "hello, world"), undefined);
      const stream = await storage.read("notes/hello.txt");
      assert.ok(stream instanceof Readable, "read must resolve to a node:stream Readable");
      stream.destroy();
      await assertContent(storage, "notes/hello.txt", "hello, world");
    });

    t.test("a file is readable as soon as write resolves, and reads repeat", async (storage) => {
      await storage.write("a.txt", "one");
      const [first, second] = await Promise.all([readBytes(storage, "a.txt"), readBytes(storage, "a.txt")]);
      assert.equal(first.toString(), "one");
      assert.equal(second.toString(), "one");
      await assertContent(storage, "a.txt", "one");
    });

    t.test("overwrite replaces the whole content, longer or shorter", async (storage) => {
      await storage.write("f", "a much longer first version");
      await storage.write("f", "short");
      await assertContent(storage, "f", "short");
      await storage.write("f", "now longer than before");
      await assertContent(storage, "f", "now longer than before");
      await storage.write("f", "");
      await assertContent(storage, "f", "");
      assert.deepEqual(await storage.list(""), ["f"], "overwriting must not add keys");
    });

    t.test("exists is true for files and false for missing keys and folders", async (storage) => {
      await storage.write("a/b/c.txt", "x");
      assert.equal(await storage.exists("a/b/c.txt"), true);
      assert.equal(await storage.exists("a/b/missing.txt"), false);
      assert.equal(await storage.exists("a"), false, "exists must be false for a folder");
      assert.equal(await storage.exists("a/b"), false, "exists must be false for a folder");
      assert.equal(await storage.exists("a/b/c.txt/d"), false);
      assert.equal(await storage.exists("a/b/c.tx"), false, "a string prefix of a file is not a file");
    });

    t.test("delete removes a file and leaves its siblings", async (storage) => {
      await writeAll(storage, { "d/one": "1", "d/two": "2", "d/one.bak": "3", "d/onex": "4" });
      assert.equal(await storage.delete("d/one"), undefined);
      assert.equal(await storage.exists("d/one"), false);
      await expectNotFound(() => storage.read("d/one"), "d/one", "read after delete");
      assert.deepEqual(await storage.list("d"), ["d/one.bak", "d/onex", "d/two"]);
      await assertContent(storage, "d/two", "2");
    });

    t.test("delete is idempotent: a missing key is not an error", async (storage) => {
      await storage.delete("never/written");
      await storage.write("k", "v");
      await storage.delete("k");
      await storage.delete("k");
      assert.equal(await storage.exists("k"), false);
    });

    t.test("delete of a folder path is a no-op", async (storage) => {
      await storage.write("folder/inner/file", "keep me");
      await storage.delete("folder");
      await storage.delete("folder/inner");
      await assertContent(storage, "folder/inner/file", "keep me");
      assert.deepEqual(await storage.list(""), ["folder/"]);
    });

    t.test("a deleted key can be written again", async (storage) => {
      await storage.write("again", "first");
      await storage.delete("again");
      await storage.write("again", "second");
      await assertContent(storage, "again", "second");
    });

    t.test("stored bytes are independent of the buffers written and read", async (storage) => {
      const source = Buffer.from("original");
      await storage.write("copy", source);
      source.fill(0x21);
      await assertContent(storage, "copy", "original");
      const stream = await storage.read("copy");
      for await (const chunk of stream) (chunk as Uint8Array).fill(0x3f);
      await assertContent(storage, "copy", "original");
    });

    t.test("an abandoned read does not block later writes and deletes", async (storage) => {
      await storage.write("busy", Buffer.alloc(1024 * 1024, 7));
      const stream = await storage.read("busy");
      stream.destroy();
      await storage.write("busy", "replaced");
      await assertContent(storage, "busy", "replaced");
      const again = await storage.read("busy");
      again.destroy();
      await storage.delete("busy");
      assert.equal(await storage.exists("busy"), false);
    });
  });
}
