import { mkdirSync, readdirSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startS3Server, type S3TestServer } from "@stowage/testkit/s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXIT_CODES } from "../src/exit-codes.js";
import { temporaryFolder } from "./helpers/backends.js";
import { stowage } from "./helpers/run-cli.js";

const HOUR = 60 * 60 * 1000;

/** A local store with one file and two leftovers: one two hours old, one fresh. */
async function storeWithLeftovers(): Promise<{ path: string; cleanup(): Promise<void> }> {
  const folder = await temporaryFolder();
  const root = folder.path;
  mkdirSync(join(root, "a"), { recursive: true });
  writeFileSync(join(root, "a", "kept.txt"), "data");
  const old = join(root, "a", ".stowage-tmp-00000000000000aa");
  writeFileSync(old, "partial");
  const then = new Date(Date.now() - 2 * HOUR);
  utimesSync(old, then, then);
  writeFileSync(join(root, ".stowage-tmp-00000000000000bb"), "in progress");
  return folder;
}

function leftovers(root: string): string[] {
  return readdirSync(root, { recursive: true, encoding: "utf8" }).filter((entry) => entry.includes(".stowage-tmp-")).sort();
}

describe("stowage gc", () => {
  it("counts on a dry run, removes old leftovers only, and prints JSON on request", async () => {
    const folder = await storeWithLeftovers();
    const root = folder.path;
    const dry = await stowage(["gc", root, "--older-than", "1h", "--dry-run"]);
    expect([dry.code, dry.stderr]).toEqual([EXIT_CODES.ok, ""]);
    expect(dry.out).toBe("would remove 1 leftover older than 1h (dry run: nothing removed)\n");
    expect(leftovers(root)).toHaveLength(2);
    const json = await stowage(["gc", "--json", root, "--older-than", "90m"]);
    expect(json.code).toBe(EXIT_CODES.ok);
    expect(JSON.parse(json.out)).toEqual({ found: 1, removed: 1, dryRun: false, olderThanMs: 90 * 60 * 1000 });
    expect(leftovers(root)).toEqual([".stowage-tmp-00000000000000bb"]);
    const again = await stowage(["gc", root, "--older-than", "1h30m"]);
    expect(again.out).toBe("removed 0 of 0 leftovers older than 1h30m\n");
    expect(readdirSync(join(root, "a"))).toEqual(["kept.txt"]);
    await folder.cleanup();
  });

  const refusals: Array<[string, string[], number, RegExp]> = [
    ["an age without a unit", ["gc", "./x", "--older-than", "60"], EXIT_CODES.usage, /--older-than takes a duration with a unit, like 30m, 1h, 2d or 1h30m, got '60'/],
    ["a negative age", ["gc", "./x", "--older-than", "-1h"], EXIT_CODES.usage, /--older-than takes a duration with a unit/],
    ["no age at all", ["gc", "./x"], EXIT_CODES.usage, /required option '--older-than <duration>' not specified/],
    ["a key", ["gc", "memory://::k", "--older-than", "1h"], EXIT_CODES.usage, /gc works on a whole store: drop the '::<key>' part/],
    ["a backend that keeps no leftovers", ["gc", "memory://", "--older-than", "1h"], EXIT_CODES.capability, /^stowage: gc: MemoryStorage keeps no leftovers to collect/m],
  ];

  it.each(refusals)("refuses %s", async (_name, args, code, message) => {
    const result = await stowage(args);
    expect(result.code).toBe(code);
    expect(result.stderr).toMatch(message);
    expect(result.out).toBe("");
  });

  describe("on S3", () => {
    let server: S3TestServer;
    beforeAll(async () => {
      server = await startS3Server();
    });
    afterAll(() => server?.stop());

    it("aborts the incomplete uploads under the prefix, and no other", async () => {
      for (const key of ["mine/killed-writer.bin", "other/killed-writer.bin"]) server.leaveMultipartUpload(key);
      const url = `s3://${server.bucket}/mine?endpoint=${encodeURIComponent(server.endpoint)}&forcePathStyle=true&region=us-east-1`;
      const env = { AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test" };
      const result = await stowage(["gc", url, "--older-than", "0s"], { env });
      expect([result.code, result.stderr, result.out]).toEqual([EXIT_CODES.ok, "", "removed 1 of 1 leftover older than 0s\n"]);
      expect(server.pendingMultipartUploads()).toEqual(["other/killed-writer.bin"]);
    });
  });
});
