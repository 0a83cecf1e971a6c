import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

/** A child script of test/children/, running in its own Node process. */
export interface Child {
  process: ChildProcess;
  /** Resolves with the first stdout line that `match` accepts; rejects past `deadlineMs` or at exit. */
  line(match: (line: string) => boolean, deadlineMs?: number): Promise<string>;
  /** Resolves with the exit code, or the signal that ended it. */
  exited: Promise<number | string>;
}

/** Starts `node test/children/<script> ...args`. */
export function startChild(script: string, args: string[]): Child {
  const child = spawn(process.execPath, [fileURLToPath(new URL(`./children/${script}`, import.meta.url)), ...args], {
    stdio: ["pipe", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  const waiters: (() => void)[] = [];
  child.stdout.setEncoding("utf8").on("data", (text: string) => {
    out += text;
    waiters.forEach((wake) => wake());
  });
  child.stderr.setEncoding("utf8").on("data", (text: string) => (err += text));
  const exited = new Promise<number | string>((resolve) => child.on("exit", (code, signal) => resolve(code ?? signal ?? "?")));
  return {
    process: child,
    exited,
    line(match, deadlineMs = 60_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${script}: no matching line within ${deadlineMs} ms; stdout: ${out}; stderr: ${err}`)), deadlineMs);
        const check = () => {
          const found = out.split("\n").find(match);
          if (found !== undefined) {
            clearTimeout(timer);
            resolve(found);
          }
        };
        waiters.push(check);
        check();
        void exited.then(() => {
          check();
          setTimeout(() => reject(new Error(`${script} exited; stdout: ${out}; stderr: ${err}`)), 50);
        });
      });
    },
  };
}
