import type { AdvancedSnapshotStorage, SnapshotStorage } from "@stowage/core";
import { KEY_ATTACKS, PREFIX_ATTACKS, type PathAttack } from "../attacks.js";
import { expectInvalidPath, firstStep } from "../expect-error.js";
import type { SuiteContext } from "../fixture.js";
import { assertUnchanged, snapshotAll, writeAll } from "../inspect.js";

/** Files named like what a sloppy validator would turn the attacks into, so a write over them shows. */
const SEED = { x: "x", "a/x": "a/x", "a/b": "a/b", "etc/passwd": "passwd", "C:/x": "c", "src/f": "f", "seed.txt": "seed" };

type Attempt<S> = (storage: S, value: unknown) => unknown;

/**
 * Declares one test per method slot: every attack is tried there, each must reject with
 * `InvalidPathError` carrying the value, and afterwards no stored file may differ.
 */
function attackTest<S extends SnapshotStorage>(
  t: SuiteContext<S>,
  slot: string,
  attacks: readonly PathAttack[],
  attempt: Attempt<S>,
  allowSyncThrow = false,
): void {
  t.test(`${slot} rejects every path attack and changes nothing`, async (storage) => {
    await writeAll(storage, SEED);
    const before = await snapshotAll(storage, t.settings);
    for (const attack of attacks) {
      const what = `${slot.replace("…", JSON.stringify(attack.value) ?? String(attack.value))} (${attack.name})`;
      await expectInvalidPath(() => attempt(storage, attack.value), attack.value, what, allowSyncThrow);
    }
    await assertUnchanged(storage, t.settings, before, `${slot} with bad paths`);
  });
}

/** Every basic method, given every attack. */
export function pathAttackTests(t: SuiteContext<SnapshotStorage>): void {
  t.describe("path attacks", () => {
    attackTest(t, "read(…)", KEY_ATTACKS, (s, key) => s.read(key as string));
    attackTest(t, "write(…)", KEY_ATTACKS, (s, key) => s.write(key as string, "pwned"));
    attackTest(t, "delete(…)", KEY_ATTACKS, (s, key) => s.delete(key as string));
    attackTest(t, "exists(…)", KEY_ATTACKS, (s, key) => s.exists(key as string));
    attackTest(t, "list(…)", PREFIX_ATTACKS, (s, prefix) => s.list(prefix as string));
  });
}

/** Every advanced method, given every attack in every key or prefix position. */
export function advancedPathAttackTests(t: SuiteContext<AdvancedSnapshotStorage>): void {
  t.describe("path attacks, advanced", () => {
    // streamRead returns an iterable: failing when called or at the first step are both fine.
    attackTest(t, "streamRead(…)", KEY_ATTACKS, (s, key) => firstStep(s.streamRead(key as string)), true);
    attackTest(t, "streamWrite(…)", KEY_ATTACKS, (s, key) => s.streamWrite(key as string, [Buffer.from("pwned")]));
    attackTest(t, "stat(…)", KEY_ATTACKS, (s, key) => s.stat(key as string));
    attackTest(t, "atomicMove(…, 'moved')", KEY_ATTACKS, (s, key) => s.atomicMove(key as string, "moved"));
    attackTest(t, "atomicMove('seed.txt', …)", KEY_ATTACKS, (s, key) => s.atomicMove("seed.txt", key as string));
    attackTest(t, "atomicMove('missing', …)", KEY_ATTACKS, (s, key) => s.atomicMove("missing", key as string));
    attackTest(t, "recursiveList(…)", PREFIX_ATTACKS, (s, prefix) => s.recursiveList(prefix as string));
    attackTest(t, "sync(…, 'dst')", PREFIX_ATTACKS, (s, prefix) => s.sync(prefix as string, "dst"));
    attackTest(t, "sync('src', …)", PREFIX_ATTACKS, (s, prefix) => s.sync("src", prefix as string));
  });
}
