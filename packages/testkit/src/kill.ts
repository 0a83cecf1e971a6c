/**
 * A real process killed with SIGKILL at a chosen moment: what a crash, an OOM kill or `kill -9`
 * leaves behind, for tests of leftovers and garbage collection.
 */
import { spawn } from "node:child_process";

/** How often `until` is asked, in ms. */
const POLL_MS = 50;
/** How long to wait for `until` before killing anyway and failing, in ms. */
const WAIT_MS = 30_000;

/**
 * Runs `script` (an ES module's source) in a new `node` process, waits until `until()` resolves
 * true (polled every 50 ms, at most 30 s), then kills the process with SIGKILL and waits for it to
 * exit. Rejects when `until` never became true (the process is killed all the same).
 */
export async function killWhen(script: string, until: () => Promise<boolean>): Promise<void> {
  const child = spawn(process.execPath, ["--input-type=module", "-e", script], { stdio: "ignore" });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  try {
    for (let waited = 0; !(await until()); waited += POLL_MS) {
      if (waited >= WAIT_MS) throw new Error(`the condition did not hold within ${WAIT_MS} ms`);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  } finally {
    child.kill("SIGKILL");
    await exited;
  }
}
