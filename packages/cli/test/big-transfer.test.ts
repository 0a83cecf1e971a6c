import { createHash, randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { STREAMING_PAIRS } from "./helpers/all-backends.js";
import { temporaryFolder } from "./helpers/backends.js";
import { stowage } from "./helpers/run-cli.js";

const MIB = 1024 * 1024;
const REPORTER = new URL("./fixtures/report-peak-rss.mjs", import.meta.url).href;
const BASELINE = MIB;
/**
 * Room for stream buffers between the two adapters (their highWaterMarks, a Redis reply being
 * parsed) on top of the adapters' by-design window. Measured in use (heap + Buffers after a
 * collection): 22-30 MiB above the 1 MiB sync for Redis to local (window 0), 28-33 MiB for local to
 * S3 (window 25 MiB), on Node 20 and 24.
 */
const SLACK = 40 * MIB;
/** Holding the 50 MiB file would add at least this much: the bound stays below it whatever the window. */
const HELD = 48 * MIB;

/** Writes `size` pseudo-random bytes to `file` in 1 MiB pieces and returns their SHA-256. */
async function writeRandomFile(file: string, size: number): Promise<string> {
  const hash = createHash("sha256");
  async function* pieces() {
    for (let left = size; left > 0; left -= MIB) {
      const piece = randomBytes(Math.min(MIB, left));
      hash.update(piece);
      yield piece;
    }
  }
  await pipeline(pieces(), createWriteStream(file));
  return hash.digest("hex");
}

async function sha256(file: string): Promise<string> {
  const hash = createHash("sha256");
  await pipeline(createReadStream(file), hash);
  return hash.digest("hex");
}

/**
 * A 50 MiB file synced between two different backends by the built binary: the most memory the
 * child held in use (sampled after a garbage collection every 20 ms: heap in use plus Buffers, see
 * the reporter fixture) may exceed that of the same sync of a {@link BASELINE} file only by the
 * adapters' fixed window plus {@link SLACK}, so the file is streamed, never held whole.
 */
describe.each(STREAMING_PAIRS)("a 50 MiB sync from $source.name to $target.name", ({ source, target, window }) => {
  let local: string;
  const cleanups: Array<() => Promise<void>> = [];
  beforeAll(async () => {
    await Promise.all([source.start(), target.start()]);
    const folder = await temporaryFolder();
    local = folder.path;
    cleanups.push(folder.cleanup);
  });
  afterAll(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
    await Promise.all([source.stop(), target.stop()]);
  });

  async function syncPeak(size: number): Promise<{ peak: number; expected: string; actual: string }> {
    const [from, to] = await Promise.all([source.create(), target.create()]);
    cleanups.push(from.cleanup, to.cleanup);
    const env = { ...source.env, ...target.env };
    const file = join(local, `in-${size}.bin`);
    const expected = await writeRandomFile(file, size);
    expect((await stowage(["put", file, `${from.url}::in/big.bin`], { env })).code).toBe(0);

    const rssFile = join(local, `rss-${size}`);
    const sync = await stowage(["sync", "--json", `${from.url}::in`, `${to.url}::out`], {
      env: { ...env, NODE_OPTIONS: `--expose-gc --import=${REPORTER}`, STOWAGE_TEST_RSS_FILE: rssFile },
    });
    expect(sync.stderr).toBe("");
    expect(JSON.parse(sync.out)).toMatchObject({ copied: 1, bytesCopied: size });

    const back = join(local, `out-${size}.bin`);
    expect((await stowage(["get", `${to.url}::out/big.bin`, back], { env })).code).toBe(0);
    return { peak: Number(await readFile(rssFile, "utf8")), expected, actual: await sha256(back) };
  }

  it("streams: same bytes, flat memory", async () => {
    await mkdir(local, { recursive: true });
    const small = await syncPeak(BASELINE);
    const big = await syncPeak(50 * MIB);
    expect(big.actual).toBe(big.expected);
    expect(small.actual).toBe(small.expected);
    console.log(
      `peak memory in use ${source.name} -> ${target.name}: 1 MiB file ${(small.peak / MIB).toFixed(1)} MiB, 50 MiB file ${(big.peak / MIB).toFixed(1)} MiB`,
    );
    // Holding the file would add at least 50 MiB; streaming adds the window and a little slack.
    expect(big.peak - small.peak).toBeLessThan(Math.min(window + SLACK, HELD));
  });
});
