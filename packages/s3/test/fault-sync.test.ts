import { createHash } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { S3Client } from "@aws-sdk/client-s3";
import { collectBytes, isStowageError, syncStorages } from "@stowage/core";
import { LocalFileSystemBackend } from "@stowage/local";
import { faultyClientConfig, randomFaults } from "@stowage/testkit/s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { S3Storage, type S3StorageOptions } from "../src/index.js";
import { useS3Server } from "./s3-fixture.js";

const { server } = useS3Server();

const FILES = 200;
/** Extra files in the bucket that the sync must delete, and only once a run succeeds. */
const EXTRAS = ["stale/a", "stale/b", "zz-old"];

let folder: string;
const contents = new Map<string, Buffer>();

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "stowage-fault-sync-"));
  const local = new LocalFileSystemBackend({ location: folder });
  for (let i = 0; i < FILES; i++) {
    const path = `d${i % 7}/f${String(i).padStart(3, "0")}.bin`;
    // Seeded bytes: every run of the test syncs the same tree.
    const bytes = createHash("sha256").update(`file ${i}`).digest().subarray(0, 8 + (i % 24));
    contents.set(path, bytes);
    await local.write(path, bytes);
  }
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

/** Files of the source the bucket lacks or holds with other bytes, plus extras still there. */
async function differences(bucket: S3Storage): Promise<{ content: number; extras: number }> {
  const listed = new Set(await bucket.recursiveList(""));
  let content = 0;
  for (const [path, bytes] of contents) {
    if (!listed.has(path) || !(await collectBytes(await bucket.read(path))).equals(bytes)) content++;
  }
  return { content, extras: EXTRAS.filter((path) => listed.has(path)).length };
}

/** What {@link syncUntilConverged} saw: one line per run, and what was left after each. */
interface Runs {
  prefix: string;
  converged: boolean;
  outcomes: string[];
  left: Array<{ content: number; extras: number }>;
}

/**
 * Syncs the folder into a fresh prefix under 30 % faults, a new client per run (a new process in
 * real life, with faults falling elsewhere), until a run succeeds or `maxRuns` ran. Checks after
 * each failed run that it failed typed and deleted nothing.
 */
async function syncUntilConverged(retry: S3StorageOptions["retry"], maxRuns: number): Promise<Runs> {
  const prefix = `fault-sync-${Math.random().toString(16).slice(2)}`;
  const clean = new S3Storage({ bucket: server().bucket, prefix, client: new S3Client(server().clientConfig) });
  for (const path of EXTRAS) await clean.write(path, "old");
  const runs: Runs = { prefix, converged: false, outcomes: [], left: [await differences(clean)] };
  for (let run = 1; run <= maxRuns && !runs.converged; run++) {
    const { faulty, target } = faultyTarget(prefix, retry, 1000 + run);
    let outcome = "ok";
    try {
      await syncStorages(new LocalFileSystemBackend({ location: folder }), "", target, "");
      runs.converged = true;
    } catch (error) {
      outcome = `${isStowageError(error) ? error.code : "untyped"} ${(error as Error).message.slice(0, 160)}`;
      // A failed copy fails the run with E_SYNC; a listing that failed past its retries, E_UNAVAILABLE.
      expect(isStowageError(error, "E_SYNC") || isStowageError(error, "E_UNAVAILABLE"), String(error)).toBe(true);
    } finally {
      target.close();
    }
    const left = await differences(clean);
    runs.left.push(left);
    runs.outcomes.push(`run ${run}: ${outcome} (faults ${JSON.stringify(faulty.counts)}, left ${JSON.stringify(left)})`);
    if (!runs.converged) expect(left.extras, runs.outcomes.join("\n")).toBe(EXTRAS.length);
  }
  clean.close();
  if (process.env.FAULT_SYNC_LOG) console.log(runs.outcomes.join("\n"));
  return runs;
}

/** A new client under 30 % faults drawn from `seed`, and a storage of `prefix` on it. */
function faultyTarget(prefix: string, retry: S3StorageOptions["retry"], seed: number) {
  const faulty = faultyClientConfig(server().clientConfig, randomFaults(0.3, seed));
  return { faulty, target: new S3Storage({ bucket: server().bucket, prefix, clientConfig: faulty.clientConfig, retry }) };
}

describe("a sync into S3 under 30 % injected request faults (resets, 500, 503, on every request kind)", () => {
  // Before S3RetryStrategy, on the SDK's standard retries (3 attempts, a retry budget), no run of
  // 12 succeeded: the content was all there after run 2, but each run re-checks every file (a
  // HeadObject for its mtime), and about 2.7 % of those failed for good.
  it("converges within 5 runs with the default retries, byte for byte", async () => {
    const runs = await syncUntilConverged(QUICK_BACKOFF, 5);
    expect(runs.converged, runs.outcomes.join("\n")).toBe(true);
    expect(runs.left.at(-1)).toEqual({ content: 0, extras: 0 });
    // Then a no-op run succeeds too, though it re-checks every file (a HeadObject each).
    const { target } = faultyTarget(runs.prefix, QUICK_BACKOFF, 2000);
    const report = await syncStorages(new LocalFileSystemBackend({ location: folder }), "", target, "");
    expect({ copied: report.copied, skipped: report.skipped, deleted: report.deleted }).toEqual({ copied: 0, skipped: FILES, deleted: 0 });
    target.close();
  });

  it("with too few attempts to finish, every run fails typed, deletes nothing and keeps its copies: what is left never grows", async () => {
    const runs = await syncUntilConverged({ ...QUICK_BACKOFF, maxAttempts: 2 }, 5);
    const content = runs.left.map((left) => left.content);
    expect(content[0]).toBe(FILES);
    // A run whose listing fails past its retries copies nothing: what is left may stay, never grow.
    for (let run = 1; run < content.length; run++) {
      expect(content[run], runs.outcomes.join("\n")).toBeLessThanOrEqual(content[run - 1] as number);
    }
    expect(content[content.length - 1], runs.outcomes.join("\n")).toBeLessThan(FILES);
  });
});

/** The default attempts and backoff shape, with millisecond waits: keeps the test quick. */
const QUICK_BACKOFF = { baseDelayMs: 1, maxDelayMs: 20 };
