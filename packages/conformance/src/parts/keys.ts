import assert from "node:assert/strict";
import { compareKeys, type SnapshotStorage } from "@stowage/core";
import { assertContent } from "../bytes.js";
import type { SuiteContext } from "../fixture.js";

/**
 * Valid keys that backends tend to mangle: URL and form encoding (`+`, `%`, `?`, `#`), shell
 * and glob characters, unicode beyond the BMP, dots that are not `..`, and a 255-byte segment.
 */
export const TRICKY_KEYS: readonly string[] = [
  "sp ace/file name.txt",
  "  padded  ",
  "ünïcödé/日本語/файл.txt",
  "emoji/🎉🚀.bin",
  "special/a:b#c?d%e+f&g=h.txt",
  "special/a+b",
  "special/a b",
  "special/a%20b",
  "special/a%2Fb",
  "special/%2e%2e",
  "%2e%2e/x",
  "special/...",
  "special/.hidden",
  "special/a..b",
  "special/~!@$^*()[]{}'\",;<>|`",
  "C:/x",
  "replacement/\uFFFD/c",
  "replacement/a\uFFFD",
  `long/${"é".repeat(127)}`,
];

/** Unicode and special-character keys round-trip and list exactly as written. */
export function keyTests(t: SuiteContext<SnapshotStorage>): void {
  t.describe("keys", () => {
    t.test("unicode and special-character keys round-trip", async (storage) => {
      for (const [i, key] of TRICKY_KEYS.entries()) await storage.write(key, `content #${i} of ${key}`);
      for (const [i, key] of TRICKY_KEYS.entries()) {
        assert.equal(await storage.exists(key), true, `exists('${key}')`);
        await assertContent(storage, key, `content #${i} of ${key}`);
      }
    });

    t.test("listings return keys exactly as written", async (storage) => {
      for (const key of TRICKY_KEYS) await storage.write(key, key);
      const special = TRICKY_KEYS.filter((key) => key.startsWith("special/"));
      assert.deepEqual(await storage.list("special"), [...special].sort(compareKeys));
      const top = new Set(TRICKY_KEYS.map((key) => (key.includes("/") ? `${key.slice(0, key.indexOf("/"))}/` : key)));
      assert.deepEqual(await storage.list(""), [...top].sort(compareKeys));
      assert.deepEqual(await storage.list("%2e%2e"), ["%2e%2e/x"], "'%2e%2e' is a folder name, not '..'");
    });

    t.test("keys differing only by case are different files", async (storage) => {
      const keys = ["c/readme", "c/README", "c/ReadMe", "C/readme"];
      for (const key of keys) await storage.write(key, key);
      for (const key of keys) await assertContent(storage, key, key);
      assert.deepEqual(await storage.list("c"), ["c/README", "c/ReadMe", "c/readme"]);
      assert.deepEqual(await storage.list(""), ["C/", "c/"]);
      await storage.delete("c/README");
      assert.equal(await storage.exists("c/readme"), true, "deleting 'c/README' must leave 'c/readme'");
    });

    t.test("NFC and NFD spellings of a key are different files (no unicode normalization)", async (storage) => {
      const nfc = "n/caf\u00e9";
      const nfd = "n/cafe\u0301";
      await storage.write(nfc, "composed");
      await storage.write(nfd, "decomposed");
      await assertContent(storage, nfc, "composed");
      await assertContent(storage, nfd, "decomposed");
      assert.deepEqual(await storage.list("n"), [nfd, nfc], "both keys, exactly as written, in code-point order");
      await storage.write("d/caf\u00e9/x", "1");
      await storage.write("d/cafe\u0301/y", "2");
      assert.deepEqual(await storage.list("d/caf\u00e9"), ["d/caf\u00e9/x"], "a folder prefix matches its own spelling only");
    });

    t.test("'a+b', 'a b' and 'a%20b' are three different files", async (storage) => {
      await storage.write("k/a+b", "plus");
      await storage.write("k/a b", "space");
      await storage.write("k/a%20b", "percent");
      await assertContent(storage, "k/a+b", "plus");
      await assertContent(storage, "k/a b", "space");
      await assertContent(storage, "k/a%20b", "percent");
      await storage.delete("k/a b");
      assert.deepEqual(await storage.list("k"), ["k/a%20b", "k/a+b"]);
    });
  });
}
