import { describe, expect, it } from "vitest";
import { startChild } from "./child.js";
import { tempDb } from "./temp-file.js";

describe("SQLiteStore objects collected by the garbage collector", () => {
  it(`a process that opened and closed 200 stores runs on through collections and exits 0 (node ${process.version})`, async () => {
    const child = startChild("collected.mjs", [tempDb()]);
    const done = child.line((line) => line === "collected", 120_000).then(
      () => "collected",
      (error: unknown) => String(error),
    );
    // The line's rejection carries the child's stderr (the native abort's message, if any).
    expect(await done).toBe("collected");
    expect(await child.exited).toBe(0);
  }, 150_000);
});
