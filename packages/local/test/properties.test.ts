import { mkdirSync, symlinkSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { InvalidPathError, SnapshotConflictError, SnapshotNotFoundError, compareKeys } from "@stowage/core";
import { createSandbox, listDisk, readText, type Sandbox } from "./sandbox.js";

let box: Sandbox;
let before: string;
beforeEach(() => {
  box = createSandbox();
  before = box.outsideSnapshot();
});
afterEach(() => {
  expect(box.outsideSnapshot()).toBe(before);
  box.cleanup();
});

// Pieces that make traversal-shaped keys far more likely than uniform random strings would.
const piece = fc.oneof(
  fc.constantFrom("..", ".", "a", "b", "%2e%2e", "C:", "\u0000", "\n", "é", "🎉", " ", "...", "~", "x".repeat(256)),
  fc.string({ maxLength: 6 }),
);
const separator = fc.constantFrom("/", "\\", "//", "/../", "");
const hostileKey = fc
  .tuple(fc.option(fc.constantFrom("/", "\\", "./", "../"), { nil: "" }), fc.array(fc.tuple(piece, separator), { maxLength: 6 }))
  .map(([lead, parts]) => lead + parts.map(([p, s]) => p + s).join(""));

describe("random keys (fast-check)", () => {
  it("either round-trip inside the root or raise InvalidPathError, and never touch anything outside", async () => {
    await fc.assert(
      fc.asyncProperty(hostileKey, fc.string({ maxLength: 20 }), async (key, text) => {
        let accepted = true;
        try {
          await box.storage.write(key, text);
        } catch (error) {
          if (error instanceof SnapshotConflictError) return; // e.g. "a" then "a/b" across runs
          expect(error).toBeInstanceOf(InvalidPathError);
          accepted = false;
        }
        if (accepted) {
          expect(await readText(box.storage, key)).toBe(text);
          expect(await box.storage.recursiveList("")).toContain(key);
          await box.storage.delete(key);
          expect(await box.storage.exists(key)).toBe(false);
          expect(listDisk(box.root)).toEqual([]);
        } else {
          await expect(box.storage.read(key)).rejects.toBeInstanceOf(InvalidPathError);
          await expect(box.storage.delete(key)).rejects.toBeInstanceOf(InvalidPathError);
        }
      }),
      { numRuns: 300 },
    );
  });
});

type Op =
  | { kind: "write"; key: string; text: string }
  | { kind: "delete"; key: string }
  | { kind: "move"; from: string; to: string }
  | { kind: "read"; key: string };

describe("random operation sequences with planted links (fast-check)", () => {
  // "l" links to the outside folder, "m/l" is a linked folder in the middle of a path.
  const segment = fc.constantFrom("a", "b", "l", "m", "sub", "canary.txt");
  const key = fc.array(segment, { minLength: 1, maxLength: 3 }).map((parts) => parts.join("/"));
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.record({ kind: fc.constant("write" as const), key, text: fc.string({ maxLength: 8 }) }),
    fc.record({ kind: fc.constant("delete" as const), key }),
    fc.record({ kind: fc.constant("move" as const), from: key, to: key }),
    fc.record({ kind: fc.constant("read" as const), key }),
  );
  // "m" holds a link, so it is a real folder on disk that no file may replace.
  const throughLink = (k: string): boolean => k === "l" || k.startsWith("l/") || k === "m" || k.startsWith("m/l");

  it("behave like a map of files, and links stay dead ends", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 25 }), async (ops) => {
        box.cleanup();
        box = createSandbox();
        mkdirSync(path.join(box.root, "m"));
        symlinkSync(box.outside, path.join(box.root, "l"));
        symlinkSync(box.outside, path.join(box.root, "m", "l"));
        before = box.outsideSnapshot();
        const model = new Map<string, string>();
        const conflicts = (k: string): boolean =>
          throughLink(k) ||
          [...model.keys()].some((existing) => existing.startsWith(`${k}/`) || k.startsWith(`${existing}/`));
        for (const step of ops) {
          if (step.kind === "write") {
            if (conflicts(step.key)) {
              await expect(box.storage.write(step.key, step.text)).rejects.toBeInstanceOf(SnapshotConflictError);
            } else {
              await box.storage.write(step.key, step.text);
              model.set(step.key, step.text);
            }
          } else if (step.kind === "delete") {
            await box.storage.delete(step.key);
            model.delete(step.key);
          } else if (step.kind === "read") {
            const expected = model.get(step.key);
            if (expected === undefined) {
              await expect(box.storage.read(step.key)).rejects.toBeInstanceOf(SnapshotNotFoundError);
            } else expect(await readText(box.storage, step.key)).toBe(expected);
          } else {
            const content = model.get(step.from);
            if (content === undefined) {
              await expect(box.storage.atomicMove(step.from, step.to)).rejects.toBeInstanceOf(SnapshotNotFoundError);
              continue;
            }
            // Like MemoryStorage: the destination is checked while the source still exists, so
            // "b" cannot move to "b/a", nor "a/b" to "a".
            if (step.from !== step.to && conflicts(step.to)) {
              await expect(box.storage.atomicMove(step.from, step.to)).rejects.toBeInstanceOf(SnapshotConflictError);
            } else {
              await box.storage.atomicMove(step.from, step.to);
              model.delete(step.from);
              model.set(step.to, content);
            }
          }
        }
        expect(await box.storage.recursiveList("")).toEqual([...model.keys()].sort(compareKeys));
        expect(box.outsideSnapshot()).toBe(before);
      }),
      { numRuns: 60 },
    );
  });
});
