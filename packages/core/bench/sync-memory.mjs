// Memory of core's syncStorages at scale (issue 11), in process, with synthetic stores: a source
// whose listing of N sorted entries is generated as it is consumed (never held), and a target
// whose listing holds the same N keys plus 10 % extra keys interleaved (deleted by the sync) and
// which discards what is written. 10 % of the source files differ in size from the target's, so
// copies happen too. Each N runs in a fresh child process, whose peak RSS (ru_maxrss) is the figure.
// Target: peak RSS at 1,000,000 entries < 1.2x the peak at 100,000. A measurement, never a test:
// it fails only when the sync's counts are not the expected ones.
//
//   node bench/sync-memory.mjs                      # N = 100,000 then 1,000,000
//   STOWAGE_BENCH_SCALE=0.1 node bench/sync-memory.mjs   # N = 10,000 then 100,000
import { execFileSync } from "node:child_process";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { syncStorages, toChunks } from "../dist/index.js";

const SIZE = 512;
const MTIME = new Date(Date.UTC(2024, 0, 1));
const PER_FOLDER = 1000;
const ZEROS = Buffer.alloc(SIZE);

/** Key `i` of the tree, in code-point order with `i`: `d0012/f0012345.bin`. */
const key = (i) => `d${String(Math.floor(i / PER_FOLDER)).padStart(4, "0")}/f${String(i).padStart(7, "0")}.bin`;
/** The target's extra key after key `i`, for every i ending in 5: `d0012/f0012345.old` sorts between key(i) and key(i + 1). */
const extraKey = (i) => key(i).replace(/\.bin$/, ".old");
const hasExtra = (i) => i % 10 === 5;
/** Every tenth target file is one byte short, so the sync copies it. */
const targetSize = (i) => (i % 10 === 0 ? SIZE - 1 : SIZE);
const indexOf = (path) => Number(/f(\d+)\.(bin|old)$/.exec(path)?.[1] ?? NaN);

const notUsed = (name) => () => {
  throw new Error(`synthetic store: ${name} is not used by sync`);
};

/** Methods every synthetic store has (the advanced-tier guard checks they all exist). */
class SyntheticStore {
  /** Calls of methods whose use says something about the engine (see the report). */
  calls = { recursiveList: 0, stat: 0, list: 0 };
  constructor(n) {
    this.n = n;
  }
  /** One level (an engine may peek at the root); a folder's level is found by a scan, counted. */
  list(prefix) {
    this.calls.list++;
    const folder = prefix.replace(/\/$/, "");
    const names = new Set();
    for (const { path } of this.entries()) {
      if (folder === "") names.add(`${path.split("/")[0]}/`);
      else if (path.startsWith(`${folder}/`)) names.add(path);
    }
    return Promise.resolve([...names]);
  }
  /** The pre-streaming engine's listing: the whole tree as an array (counted, since it is O(N)). */
  recursiveList() {
    this.calls.recursiveList++;
    const keys = [];
    for (const entry of this.entries()) keys.push(entry.path);
    return Promise.resolve(keys);
  }
  async *streamList(prefix) {
    if (prefix !== "") throw new Error(`synthetic store: only the root is listed, got '${prefix}'`);
    yield* this.entries();
  }
  stat(path) {
    this.calls.stat++;
    return Promise.resolve({ path, size: this.sizeOf(path), mtime: MTIME });
  }
  atomicMove = notUsed("atomicMove");
  sync = notUsed("sync");
}

class SyntheticSource extends SyntheticStore {
  *entries() {
    for (let i = 0; i < this.n; i++) yield { path: key(i), size: SIZE, mtime: MTIME };
  }
  sizeOf() {
    return SIZE;
  }
  read() {
    return Promise.resolve(Readable.from([ZEROS]));
  }
  async *streamRead() {
    yield ZEROS;
  }
  exists() {
    return Promise.resolve(true);
  }
  write = notUsed("write on the source");
  streamWrite = notUsed("streamWrite on the source");
  delete = notUsed("delete on the source");
}

class SyntheticTarget extends SyntheticStore {
  written = 0;
  bytes = 0;
  deleted = 0;
  *entries() {
    for (let i = 0; i < this.n; i++) {
      yield { path: key(i), size: targetSize(i), mtime: MTIME };
      if (hasExtra(i)) yield { path: extraKey(i), size: SIZE, mtime: MTIME };
    }
  }
  sizeOf(path) {
    return path.endsWith(".old") ? SIZE : targetSize(indexOf(path));
  }
  async write(_path, content) {
    await this.streamWrite(_path, toChunks(content));
  }
  async streamWrite(_path, chunks) {
    for await (const chunk of chunks) this.bytes += chunk.byteLength;
    this.written++;
  }
  delete() {
    this.deleted++;
    return Promise.resolve();
  }
  exists(path) {
    return Promise.resolve(!Number.isNaN(indexOf(path)));
  }
  read = notUsed("read on the target");
  streamRead = notUsed("streamRead on the target");
}

/** Child: one sync of N entries; prints one JSON line. */
async function child(n) {
  const source = new SyntheticSource(n);
  const target = new SyntheticTarget(n);
  const rssBefore = process.memoryUsage.rss();
  const start = performance.now();
  const report = await syncStorages(source, "", target, "");
  const ms = performance.now() - start;
  const count = (value) => (Array.isArray(value) ? value.length : value);
  const got = { copied: count(report.copied), skipped: count(report.skipped), deleted: count(report.deleted) };
  const want = { copied: n / 10, skipped: n - n / 10, deleted: n / 10 };
  const seen = { copied: target.written, skipped: got.skipped, deleted: target.deleted };
  for (const field of Object.keys(want)) {
    if (got[field] !== want[field] || seen[field] !== want[field]) {
      throw new Error(`N=${n}: ${field} reported ${got[field]}, done ${seen[field]}, expected ${want[field]}`);
    }
  }
  if (target.bytes !== (n / 10) * SIZE) throw new Error(`N=${n}: ${target.bytes} bytes written, expected ${(n / 10) * SIZE}`);
  const calls = Object.fromEntries(Object.keys(source.calls).map((name) => [name, source.calls[name] + target.calls[name]]));
  console.log(JSON.stringify({ n, ms, rssBefore, peakRss: process.resourceUsage().maxRSS * 1024, calls }));
}

const mib = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/** Parent: a fresh child per N, then the table. */
function parent() {
  const scale = Number(process.env.STOWAGE_BENCH_SCALE ?? "1");
  if (!(scale > 0)) throw new Error(`STOWAGE_BENCH_SCALE must be a positive number, got ${process.env.STOWAGE_BENCH_SCALE}`);
  // Multiples of 10, so that exactly a tenth is copied and a tenth deleted.
  const sizes = [100_000, 1_000_000].map((n) => Math.max(100, Math.round((n * scale) / 10) * 10));
  const self = fileURLToPath(import.meta.url);
  const results = sizes.map((n) => JSON.parse(execFileSync(process.execPath, [self, String(n)], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] })));
  console.log(`\n## core syncStorages, synthetic stores (10 % of files copied, 10 % extra target files deleted; fresh process per N)`);
  console.log(`${"entries".padStart(10)}${"peak RSS".padStart(12)}${"before sync".padStart(14)}${"time".padStart(10)}${"per entry".padStart(12)}`);
  for (const r of results) {
    console.log(
      `${String(r.n).padStart(10)}${mib(r.peakRss).padStart(12)}${mib(r.rssBefore).padStart(14)}${`${(r.ms / 1000).toFixed(2)} s`.padStart(10)}${`${((r.ms * 1000) / r.n).toFixed(2)} µs`.padStart(12)}`,
    );
  }
  const [small, large] = results;
  const ratio = large.peakRss / small.peakRss;
  console.log(`\ntarget (issue 11): peak RSS at ${large.n} < 1.2x peak RSS at ${small.n}: ${ratio.toFixed(2)}x  [${ratio < 1.2 ? "met" : "NOT met"}]`);
  for (const { n, calls } of results) {
    if (calls.recursiveList + calls.stat + calls.list === 0) continue;
    // Each is O(N) here: recursiveList holds the whole listing, stat is one call per file.
    console.log(`note (N=${n}): the engine called recursiveList ${calls.recursiveList}x, stat ${calls.stat}x, list ${calls.list}x instead of streaming`);
  }
}

if (process.argv[2] === undefined) parent();
else await child(Number(process.argv[2]));
