// MemoryStorage (the blob reference) against unstorage's memory driver, the same small values in
// the same process (issue 14): write vs setItemRaw (target <= 1.0x its time), read consumed vs
// getItemRaw (<= 2.0x: a stream per read has a floor cost), stat and exists vs hasItem (<= 1.0x).
// Ratios print as baseline speed / stowage speed, so >= 1/target meets the target. Each phase runs
// ROUNDS times, alternating which side goes first; the fastest run of each side counts.
// Run: pnpm --filter @stowage/memory bench (after a build).
import { MemoryStorage } from "@stowage/memory";
import { measure, printComparison } from "@stowage/testkit/bench";
import { createStorage } from "unstorage";
import memoryDriver from "unstorage/drivers/memory";

const COUNT = Number(process.env.STOWAGE_BENCH_COUNT ?? 100_000);
const ROUNDS = Number(process.env.STOWAGE_BENCH_ROUNDS ?? 3);
const keys = Array.from({ length: COUNT }, (_, i) => `snapshots/s${i % 100}/file-${i}.bin`);
// unstorage's keys use ':' as the separator; '/' is normalised to it, so both sides see one key per file.
const values = Array.from({ length: COUNT }, (_, i) => Buffer.from(`value ${i} `.repeat(10)));

async function drain(stream) {
  let total = 0;
  for await (const chunk of stream) total += chunk.byteLength;
  return total;
}

/** Runs `op(i)` for every value, one awaited call at a time. */
const each = (op) => async () => {
  for (let i = 0; i < COUNT; i++) await op(i);
};

// Each phase: the stowage side and the baseline, given the round's stores, and the target ratio
// (baseline time / stowage time) that meets issue 14's bound.
const phases = {
  write: {
    subject: (storage) => each((i) => storage.write(keys[i], values[i])),
    baseline: (raw) => each((i) => raw.setItemRaw(keys[i], values[i])),
    target: 1.0,
  },
  "read (consumed)": {
    subject: (storage) => each(async (i) => drain(await storage.read(keys[i]))),
    baseline: (raw) => each((i) => raw.getItemRaw(keys[i])),
    target: 0.5,
  },
  stat: { subject: (storage) => each((i) => storage.stat(keys[i])), baseline: (raw) => each((i) => raw.hasItem(keys[i])), target: 1.0 },
  exists: { subject: (storage) => each((i) => storage.exists(keys[i])), baseline: (raw) => each((i) => raw.hasItem(keys[i])), target: 1.0 },
};

const best = {};
for (let round = 0; round <= ROUNDS; round++) {
  // Fresh stores per round, so that every write phase inserts new keys; round 0 warms up the JIT.
  const storage = new MemoryStorage();
  const raw = createStorage({ driver: memoryDriver() });
  for (const [name, phase] of Object.entries(phases)) {
    const sides = [
      ["subject", phase.subject(storage)],
      ["baseline", phase.baseline(raw)],
    ];
    if (round % 2 === 1) sides.reverse();
    for (const [side, run] of sides) {
      const result = await measure(run);
      if (round === 0) continue;
      const slot = (best[name] ??= {});
      slot[side] = slot[side] === undefined || result.ms < slot[side].ms ? result : slot[side];
    }
  }
}

console.log(`${COUNT} values of ${values[0].byteLength} B, best of ${ROUNDS} rounds`);
printComparison(
  "MemoryStorage vs unstorage memory driver (targets: write <= 1.0x, read <= 2.0x, stat/exists <= 1.0x of unstorage's time)",
  Object.entries(phases).map(([name, phase]) => ({
    name: `${name} ${COUNT}`,
    subject: best[name].subject,
    baseline: best[name].baseline,
    ops: COUNT,
    target: phase.target,
  })),
);
