import { describe, expect, it } from "vitest";
import { SnapshotIOError } from "@stowage/core";
import { reportError } from "../src/report-error.js";

/** What `reportError` prints for `error`, as one string. */
function printed(error: unknown): string {
  let text = "";
  const stderr = { write: (chunk: string) => ((text += chunk), true) } as unknown as NodeJS.WritableStream;
  reportError(stderr, error, false);
  return text;
}

describe("reportError's first letter", () => {
  it("lowers a capitalised first word, and keeps acronyms and class names as they are", () => {
    expect(printed(new Error("No such file: 'a'"))).toBe("stowage: no such file: 'a'\n");
    expect(printed(new Error("S3 bucket 'b' is missing"))).toBe("stowage: S3 bucket 'b' is missing\n");
    expect(printed(new Error("EACCES: permission denied"))).toBe("stowage: EACCES: permission denied\n");
    expect(printed(new SnapshotIOError("RedisStorage: db 999 is out of range", undefined))).toBe("stowage: RedisStorage: db 999 is out of range\n");
  });
});
