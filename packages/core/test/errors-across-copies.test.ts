// Two copies of core in one process (here the ESM source and the CommonJS build; in the wild a CJS
// adapter beside an ESM app, or a bundled copy) must recognise each other's errors: `instanceof`
// and `isStowageError` go by the brand and the code, not by which copy's class made the error.
import { createRequire } from "node:module";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import * as esm from "../src/index.js";
import { syncStorages, type SyncReport } from "../src/index.js";
import { MapStorage } from "./blob/helpers/map-storage.js";

const cjs = createRequire(import.meta.url)("../dist/index.cjs") as typeof esm;

type Core = typeof esm;
type ErrorClass = abstract new (...args: never[]) => Error;

const report: SyncReport = { copied: 0, skipped: 0, deleted: 0, backedUp: 0, ignored: 0, excluded: 0, bytesCopied: 0, dryRun: false };
const described = { getType: () => "device", getUniqueId: () => "r1" };

/** One error of every concrete class, made by the given copy of core. */
function samples(core: Core): Record<string, Error> {
  return {
    SnapshotNotFoundError: new core.SnapshotNotFoundError("a.txt"),
    InvalidPathError: new core.InvalidPathError("../a", "escapes the root"),
    SnapshotStorageCapabilityError: new core.SnapshotStorageCapabilityError("stat", "MapStorage"),
    SnapshotConflictError: new core.SnapshotConflictError("a", "a is a file"),
    StorageUnavailableError: new core.StorageUnavailableError("down"),
    SnapshotIOError: new core.SnapshotIOError("disk full", "a"),
    InvalidOptionsError: new core.InvalidOptionsError("chunkSize", 0, "must be a positive integer"),
    SyncError: new core.SyncError(report, [], 0, "copy"),
    ObjectStoreError: new core.ObjectStoreError("broken"),
    ObjectNotFound: new core.ObjectNotFound("device", "r1"),
    ObjectAlreadyExists: new core.ObjectAlreadyExists(described, described),
    ObjectStoreWrongType: new core.ObjectStoreWrongType("wrong type"),
    InvalidObjectError: new core.InvalidObjectError("bad field"),
    ObjectNotCreated: new core.ObjectNotCreated("refused"),
    ObjectNotUpdated: new core.ObjectNotUpdated("refused"),
    ObjectNotDeleted: new core.ObjectNotDeleted("refused"),
    DiffClassMismatch: new core.DiffClassMismatch("other class"),
    AbortError: new core.AbortError("stopped"),
    ContentTooLargeError: new core.ContentTooLargeError("k", 10),
  };
}

/** Every error class core exports, by name. */
function errorClasses(core: Core): Map<string, ErrorClass> {
  const classes = new Map<string, ErrorClass>();
  for (const [name, value] of Object.entries(core)) {
    if (typeof value === "function" && (value === core.StowageError || value.prototype instanceof core.StowageError)) {
      classes.set(name, value as unknown as ErrorClass);
    }
  }
  return classes;
}

/** Classes only ever raised through a subclass, so they have no sample of their own. */
const BASES_ONLY = ["StowageError", "SnapshotError", "ObjectCrudError"];

describe("errors across copies of core", () => {
  it("the two builds really are two copies", () => {
    expect(cjs.SnapshotNotFoundError).not.toBe(esm.SnapshotNotFoundError);
    expect(Object.getPrototypeOf(new cjs.SnapshotNotFoundError("a"))).not.toBe(esm.SnapshotNotFoundError.prototype);
  });

  it("has a sample of every exported error class", () => {
    expect([...errorClasses(esm).keys()].sort()).toEqual([...Object.keys(samples(esm)), ...BASES_ONLY].sort());
  });

  // The copy's own prototype chain is the oracle: an error from the other copy must be an instance
  // of exactly the classes that the same error from this copy is an instance of. This pins the
  // hierarchy (a base class stands for all its subclasses' codes) as well as the brand.
  for (const [made, seen] of [
    ["CJS", "ESM"],
    ["ESM", "CJS"],
  ] as const) {
    it(`an error made by the ${made} build is an instance of exactly the ${seen} classes it should be`, () => {
      const [maker, viewer] = made === "CJS" ? [cjs, esm] : [esm, cjs];
      const foreign = samples(maker);
      const own = samples(viewer);
      let positives = 0;
      for (const [sampleName, error] of Object.entries(foreign)) {
        for (const [className, errorClass] of errorClasses(viewer)) {
          const expected = own[sampleName] instanceof errorClass;
          expect(error instanceof errorClass, `${made} ${sampleName} instanceof ${seen} ${className}`).toBe(expected);
          if (expected) positives++;
        }
      }
      // Each sample is at least its own class and StowageError.
      expect(positives).toBeGreaterThanOrEqual(2 * Object.keys(own).length);
    });
  }

  it("a foreign error is recognised by its own class, its bases and StowageError, not by others", () => {
    const missing = new cjs.SnapshotNotFoundError("a.txt");
    expect(missing instanceof esm.SnapshotNotFoundError).toBe(true);
    expect(missing instanceof esm.SnapshotError).toBe(true);
    expect(missing instanceof esm.StowageError).toBe(true);
    expect(missing instanceof esm.InvalidPathError).toBe(false);
    expect(missing instanceof esm.ObjectStoreError).toBe(false);
    expect(missing instanceof esm.ObjectNotFound).toBe(false);
    const hook = new cjs.ObjectNotDeleted("refused");
    expect(hook instanceof esm.ObjectCrudError).toBe(true);
    expect(hook instanceof esm.ObjectStoreError).toBe(true);
    expect(hook instanceof esm.ObjectNotCreated).toBe(false);
    expect(hook instanceof esm.SnapshotError).toBe(false);
  });

  it("isStowageError recognises errors of either build, with or without a code", () => {
    for (const core of [esm, cjs]) {
      for (const check of [esm.isStowageError, cjs.isStowageError]) {
        const error = new core.SnapshotNotFoundError("a.txt");
        expect(check(error)).toBe(true);
        expect(check(error, "E_NOT_FOUND")).toBe(true);
        expect(check(error, "E_INVALID_PATH")).toBe(false);
        expect(check(new core.ObjectNotFound("device", "r1"), "E_OBJECT_NOT_FOUND")).toBe(true);
      }
    }
  });

  it("a plain error that only has a stowage code is not a stowage error", () => {
    const impostor = Object.assign(new Error("No such file: 'a.txt'"), { code: "E_NOT_FOUND", path: "a.txt" });
    for (const core of [esm, cjs]) {
      expect(core.isStowageError(impostor)).toBe(false);
      expect(core.isStowageError(impostor, "E_NOT_FOUND")).toBe(false);
      expect(impostor instanceof core.SnapshotNotFoundError).toBe(false);
      expect(impostor instanceof core.StowageError).toBe(false);
    }
    for (const value of [undefined, null, "E_NOT_FOUND", 3, { code: "E_NOT_FOUND" }]) {
      expect(esm.isStowageError(value)).toBe(false);
    }
  });

  it("the brand is the code under Symbol.for('stowage.error'), hidden from keys and JSON", () => {
    const error = new cjs.SnapshotIOError("disk full", "a");
    expect((error as unknown as Record<symbol, unknown>)[Symbol.for("stowage.error")]).toBe("E_IO");
    expect(Object.keys(error)).not.toContain(Symbol.for("stowage.error"));
    expect(Object.getOwnPropertyDescriptor(error, Symbol.for("stowage.error"))?.enumerable).toBe(false);
    expect(JSON.stringify(error)).not.toContain("stowage.error");
  });

  it("subclasses keep working: construction, same-copy instanceof, and a class written outside stowage", () => {
    class MissingReport extends esm.SnapshotNotFoundError {}
    const mine = new MissingReport("report.pdf");
    expect(mine.name).toBe("MissingReport");
    expect(mine.path).toBe("report.pdf");
    expect(mine instanceof MissingReport).toBe(true);
    expect(mine instanceof esm.SnapshotNotFoundError).toBe(true);
    expect(mine instanceof cjs.SnapshotNotFoundError).toBe(true);
    // A subclass that stowage does not know only has its prototype chain: every E_NOT_FOUND error
    // is not a MissingReport.
    expect(new esm.SnapshotNotFoundError("a") instanceof MissingReport).toBe(false);
    expect(new cjs.SnapshotNotFoundError("a") instanceof MissingReport).toBe(false);
    // Same-copy instances pass by prototype whatever their code, as before.
    expect(new esm.SnapshotError("E_UNAVAILABLE", "odd") instanceof esm.SnapshotError).toBe(true);
    expect(new esm.ObjectCrudError("refused") instanceof esm.ObjectCrudError).toBe(true);
  });

  it("syncStorages treats a source file that vanished (CJS E_NOT_FOUND) as gone, and a look-alike as a failure", async () => {
    class Vanishing extends MapStorage {
      constructor(readonly failure: (path: string) => Error) {
        super();
      }
      override async read(path: string): Promise<Readable> {
        if (path === "gone.txt") throw this.failure(path);
        return super.read(path);
      }
    }
    const fill = async (storage: MapStorage) => {
      await storage.write("gone.txt", "x");
      await storage.write("kept.txt", "y");
    };
    const vanished = new Vanishing((path) => new cjs.SnapshotNotFoundError(path));
    await fill(vanished);
    const target = new MapStorage();
    const done = await syncStorages(vanished, "", target, "");
    expect(done.copied).toBe(1);
    expect([...target.files.keys()]).toEqual(["kept.txt"]);

    const lookalike = new Vanishing((path) => Object.assign(new Error(`No such file: '${path}'`), { code: "E_NOT_FOUND" }));
    await fill(lookalike);
    await expect(syncStorages(lookalike, "", new MapStorage(), "")).rejects.toBeInstanceOf(cjs.SyncError);
  });
});
