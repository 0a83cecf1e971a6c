import { describe, expect, it } from "vitest";
import {
  BlobBackend,
  contentTypeFor,
  dateFromNs,
  formatMtimeSeconds,
  formatRfc3339Ns,
  mtimeNsOf,
  nsFromDate,
  parseMtimeSeconds,
  syncVerdict,
  withinModifyWindow,
  type BackendContent,
  type BackendWriteOptions,
  type FileStat,
  type ListedFile,
} from "../../src/index.js";

describe("nanosecond modification times", () => {
  it("floors to the millisecond on both sides of 1970", () => {
    expect(dateFromNs(1_700_000_000_123_999_999n).getTime()).toBe(1_700_000_000_123);
    expect(dateFromNs(-1n).getTime()).toBe(-1);
    expect(dateFromNs(-1_000_000n).getTime()).toBe(-1);
    expect(dateFromNs(-1_000_001n).getTime()).toBe(-2);
    expect(nsFromDate(new Date(-5))).toBe(-5_000_000n);
    expect(mtimeNsOf({ mtime: new Date(7) })).toBe(7_000_000n);
    expect(mtimeNsOf({ mtime: new Date(7), mtimeNs: 7_000_123n })).toBe(7_000_123n);
  });

  it("writes and reads rclone's decimal seconds exactly, trailing zeros trimmed", () => {
    const cases: Array<[bigint, string]> = [
      [1_700_000_000_123_456_789n, "1700000000.123456789"],
      [1_700_000_000_500_000_000n, "1700000000.5"],
      [1_700_000_000_000_000_000n, "1700000000"],
      [1_000n, "0.000001"],
      [-1_500_000_000n, "-1.5"],
      [0n, "0"],
    ];
    for (const [ns, text] of cases) {
      expect(formatMtimeSeconds(ns)).toBe(text);
      expect(parseMtimeSeconds(text)).toBe(ns);
    }
    // More than 9 digits: the nanosecond is kept, the rest dropped, as Go's time package does.
    expect(parseMtimeSeconds("1.1234567891")).toBe(1_123_456_789n);
    for (const bad of ["", "abc", "1e9", "1.", ".5", "1.2.3", "0x10"]) expect(parseMtimeSeconds(bad)).toBeUndefined();
  });

  it("prints RFC 3339 with 9 digits, as rclone lsjson does", () => {
    expect(formatRfc3339Ns(1_700_000_000_123_456_789n)).toBe("2023-11-14T22:13:20.123456789Z");
    expect(formatRfc3339Ns(1_700_000_000_000_000_000n)).toBe("2023-11-14T22:13:20.000000000Z");
    expect(formatRfc3339Ns(-1n)).toBe("1969-12-31T23:59:59.999999999Z");
  });

  it("compares within the modify window, in fractions of a millisecond", () => {
    expect(withinModifyWindow(1_000n, 1_999n, 0.001)).toBe(true);
    expect(withinModifyWindow(1_000n, 2_000n, 0.001)).toBe(false);
    expect(withinModifyWindow(5n, 5n, 0)).toBe(true);
    expect(withinModifyWindow(5n, 6n, 0)).toBe(false);
    expect(withinModifyWindow(0n, 999_999n, 1)).toBe(true);
  });

  it("the quick check compares nanoseconds: half a millisecond apart on µs backends is a change", () => {
    const at = (ns: bigint, precision: number): ListedFile => ({ path: "a", size: 1, mtime: dateFromNs(ns), mtimeNs: ns, mtimePrecision: precision });
    const rule = { compare: "auto", sameKind: false } as const;
    // A µs-precise local file and its µs-truncated copy: equal.
    expect(syncVerdict(at(1_700_000_000_123_456_789n, 0.001), at(1_700_000_000_123_456_000n, 0.001), rule)).toBe("skip");
    // Rounded to the ms the old way (0.5 ms off), equal only within a 1 ms side's window.
    expect(syncVerdict(at(1_700_000_000_123_600_000n, 0.001), at(1_700_000_000_124_000_000n, 0.001), rule)).toBe("copy");
    expect(syncVerdict(at(1_700_000_000_123_600_000n, 0.001), { path: "a", size: 1, mtime: new Date(1_700_000_000_123) }, rule)).toBe("skip");
    // Same millisecond, different microsecond: a change where both sides keep µs.
    expect(syncVerdict(at(1_700_000_000_123_000_000n, 0.001), at(1_700_000_000_123_900_000n, 0.001), rule)).toBe("copy");
  });
});

describe("content types from names, as rclone sets them", () => {
  it("maps extensions, adds utf-8 to text types, and knows nothing of hidden names or no extension", () => {
    expect(contentTypeFor("site/index.html")).toBe("text/html; charset=utf-8");
    expect(contentTypeFor("a/b/notes.txt")).toBe("text/plain; charset=utf-8");
    expect(contentTypeFor("img/logo.PNG")).toBe("image/png");
    expect(contentTypeFor("data.json")).toBe("application/json");
    expect(contentTypeFor("a.tar.gz")).toBe("application/gzip");
    expect(contentTypeFor("dir.d/README")).toBeUndefined();
    expect(contentTypeFor(".gitignore")).toBeUndefined();
    expect(contentTypeFor("x.unknown-ext")).toBeUndefined();
  });
});

/** Records what the base hands its primitive write. */
class Stamps extends BlobBackend {
  readonly seen: BackendWriteOptions[] = [];
  protected async readFile(): Promise<AsyncIterable<Uint8Array>> {
    return (async function* () {})();
  }
  protected async writeFile(_key: string, content: BackendContent, options: BackendWriteOptions): Promise<void> {
    if (content.chunks !== undefined) for await (const _chunk of content.chunks);
    this.seen.push(options);
  }
  protected async statFile(_key: string): Promise<FileStat | undefined> {
    return undefined;
  }
  protected async deleteFile(): Promise<void> {}
  protected async moveFile(): Promise<void> {}
  protected async *listFiles(): AsyncGenerator<FileStat, void, undefined> {}
}

describe("BlobBackend: times and types are checked once", () => {
  it("fills mtimeNs from mtime and mtime from mtimeNs, and passes the type as given", async () => {
    const backend = new Stamps();
    await backend.write("a", "x", { mtime: new Date(1234) });
    await backend.write("b", "x", { mtimeNs: 1_234_567_891n, contentType: "text/plain" });
    await backend.write("c", "x");
    expect(backend.seen.map((o) => [o.mtime?.getTime(), o.mtimeNs, o.contentType])).toEqual([
      [1234, 1_234_000_000n, undefined],
      [1234, 1_234_567_891n, "text/plain"],
      [undefined, undefined, undefined],
    ]);
  });

  it("refuses times that disagree, non-bigint nanoseconds and header-breaking types, before any write", async () => {
    const backend = new Stamps();
    const refused = [
      { mtime: new Date(1), mtimeNs: 2_000_000n },
      { mtimeNs: 12 as unknown as bigint },
      { mtimeNs: 10n ** 30n },
      { contentType: "text/plain\r\nX-Injected: 1" },
      { contentType: "" },
      { contentType: 5 as unknown as string },
    ];
    for (const options of refused) await expect(backend.write("a", "x", options)).rejects.toMatchObject({ code: "E_INVALID_OPTIONS" });
    expect(backend.seen).toEqual([]);
  });
});

/** A one-file source whose stat and listing keep nanoseconds and a type. */
class StampedSource extends Stamps {
  readonly file: FileStat = {
    path: "dir/page.html",
    size: 1,
    mtime: dateFromNs(1_700_000_000_123_456_789n),
    mtimeNs: 1_700_000_000_123_456_789n,
    mtimePrecision: 0.000001,
    contentType: "text/html; charset=utf-8",
  };
  protected override async readFile(): Promise<AsyncIterable<Uint8Array>> {
    return (async function* () {
      yield Buffer.from("x");
    })();
  }
  protected override async statFile(key: string): Promise<FileStat | undefined> {
    return key === this.file.path ? this.file : undefined;
  }
  protected override async *listFiles(): AsyncGenerator<FileStat, void, undefined> {
    yield this.file;
  }
}

describe("copies carry the time to the nanosecond and the type", () => {
  it("in a sync and in copyFile", async () => {
    const { copyFile, syncStorages } = await import("../../src/index.js");
    const source = new StampedSource();
    const target = new Stamps();
    await syncStorages(source, "", target, "mirror");
    await copyFile(source, "dir/page.html", target, "copy.html");
    for (const seen of target.seen) {
      expect([seen.mtimeNs, seen.contentType]).toEqual([1_700_000_000_123_456_789n, "text/html; charset=utf-8"]);
    }
    expect(target.seen).toHaveLength(2);
  });
});
