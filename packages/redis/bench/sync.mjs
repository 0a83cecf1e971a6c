// RedisStorage sync benchmark: 10,000 small files (1 KiB) mirrored on one private redis-server
// (unix socket) with native copies (server-side COPY into another namespace; a reference copy
// inside one namespace) against the streamed path (every file read through the client and written
// back, the same engine with the copier hidden), in the same process, each into an empty folder.
// STOWAGE_BENCH_N overrides the number of files.
import { syncStorages } from "@stowage/core";
import { measure, printComparison } from "@stowage/testkit/bench";
import { startRedis } from "@stowage/testkit/redis";
import { RedisStorage } from "../dist/index.js";

const n = Number(process.env.STOWAGE_BENCH_N ?? 10_000);
const SIZE = 1024;

/** `storage` without its copier: the engine streams every file through the client. */
function streamedOnly(storage) {
  return new Proxy(storage, {
    get(target, property) {
      if (property === "syncCopier") return undefined;
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

const server = await startRedis();
const open = (namespace) => new RedisStorage({ path: server.socket, namespace, connectTimeoutMs: 15_000 });
const source = open("bench-source");
const target = open("bench-target");
try {
  const body = Buffer.alloc(SIZE, 7);
  for (let first = 0; first < n; first += 1000) {
    await Promise.all(
      Array.from({ length: Math.min(1000, n - first) }, (_, i) => source.write(`x/${String(Math.floor((first + i) / 100)).padStart(4, "0")}/${first + i}`, body)),
    );
  }
  const check = (report) => {
    if (report.copied !== n) throw new Error(`copied ${report.copied} of ${n}`);
  };
  const rows = [];
  const acrossStreamed = await measure(async () => check(await syncStorages(source, "x", streamedOnly(target), "streamed")));
  const across = await measure(async () => check(await syncStorages(source, "x", target, "native")));
  rows.push({ name: `across namespaces, ${n} files`, subject: across, baseline: acrossStreamed, ops: n });
  const withinStreamed = await measure(async () => check(await syncStorages(source, "x", streamedOnly(source), "streamed")));
  const within = await measure(async () => check(await source.sync("x", "native")));
  rows.push({ name: `one namespace, ${n} files`, subject: within, baseline: withinStreamed, ops: n });
  const resync = await measure(async () => {
    const report = await syncStorages(source, "x", target, "native");
    if (report.skipped !== n) throw new Error(`skipped ${report.skipped} of ${n}`);
  });
  rows.push({ name: `re-sync, all ${n} up to date`, subject: resync, baseline: across, ops: n });
  printComparison(`RedisStorage sync of ${n} x ${SIZE} B files: native copies vs streamed through the client (unix socket)`, rows);
} finally {
  await Promise.all([source.close(), target.close()]);
  await server.stop();
}
