import { describe, expect, it } from "vitest";
import { isStowageError } from "@stowage/core";
import { SQLiteStore } from "../src/index.js";
import { startChild } from "./child.js";
import { tempDb } from "./temp-file.js";

// SQLite's switch to WAL mode takes the file's lock without waiting on the busy timeout: a process
// opening a file another is creating got SQLITE_BUSY at once (seen in CI, in race-add.test.ts).
describe("SQLiteStore opening a file another process holds locked", () => {
  it("waits for the lock, up to busyTimeoutMs, and opens once it is released", async () => {
    const path = tempDb();
    const holder = startChild("hold-lock.mjs", [path, "300"]);
    await holder.line((line) => line === "locked");
    // The constructor blocks this thread until the lock is free, so the child's release comes first.
    const store = new SQLiteStore({ path, storeId: "s", busyTimeoutMs: 10_000 });
    await holder.line((line) => line === "released");
    expect(await holder.exited).toBe(0);
    expect(await store.count()).toBe(0);
    await store.close();
  });

  it("gives up with E_OBJECT_STORE once busyTimeoutMs has passed", async () => {
    const path = tempDb();
    const holder = startChild("hold-lock.mjs", [path, "3000"]);
    await holder.line((line) => line === "locked");
    let failure: unknown;
    try {
      new SQLiteStore({ path, storeId: "s", busyTimeoutMs: 100 });
    } catch (error) {
      failure = error;
    }
    expect(isStowageError(failure, "E_OBJECT_STORE")).toBe(true);
    expect(String(failure)).toMatch(/database is locked/);
    holder.process.kill();
    await holder.exited;
  });
});
