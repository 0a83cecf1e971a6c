/** The process behind a test redis-server: its pid, and a kill that waits for it to be gone (crash tests). */
import { Redis } from "ioredis";

/** SIGKILL to `pid`; resolves once the process is gone (fails after `timeoutMs`). */
export async function killNow(pid: number, timeoutMs: number): Promise<void> {
  process.kill(pid, "SIGKILL");
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    if (Date.now() > deadline) throw new Error(`redis-server ${pid} survived SIGKILL for ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The process id of the redis-server listening on `port`, as it reports it (INFO server). */
export async function serverPid(host: string, port: number): Promise<number> {
  const client = new Redis({ host, port, lazyConnect: true, maxRetriesPerRequest: 0 });
  try {
    await client.connect();
    const info = await client.info("server");
    const pid = Number(/process_id:(\d+)/.exec(info)?.[1]);
    if (!Number.isInteger(pid) || pid <= 0) throw new Error(`redis-server on port ${port} reported no process_id`);
    return pid;
  } finally {
    client.disconnect();
  }
}
