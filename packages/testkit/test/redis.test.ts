import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { connect } from "node:net";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { Cluster, Redis } from "ioredis";
import { REDIS_INSTALL_HINT, assertRedisInstalled, startRedis, startRedisCluster } from "../src/redis.js";

const DIST = fileURLToPath(new URL("../dist/redis.js", import.meta.url));

/** True while something accepts TCP connections on the loopback port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

async function eventually(check: () => Promise<boolean>, timeoutMs = 30_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

describe("redis-server harness", () => {
  it("names the missing binary and how to install it, in one line", () => {
    const path = process.env.PATH;
    process.env.PATH = "/nonexistent";
    try {
      expect(() => assertRedisInstalled()).toThrow(REDIS_INSTALL_HINT);
      expect(REDIS_INSTALL_HINT).not.toContain("\n");
      expect(REDIS_INSTALL_HINT).toMatch(/apt-get install -y redis-server/);
    } finally {
      process.env.PATH = path;
    }
  });

  it("stops and restarts a server on the same port, and stop() removes everything", async () => {
    const server = await startRedis();
    expect(await listening(server.port)).toBe(true);
    await server.kill();
    expect(await listening(server.port)).toBe(false);
    await server.restart();
    expect(await listening(server.port)).toBe(true);
    await server.stop();
    expect(await listening(server.port)).toBe(false);
    expect(existsSync(server.socket)).toBe(false);
  });

  /** Starts a server in a child node process, then ends that process with `kill`. */
  async function killedRunnerLeavesNothing(kill: (child: ChildProcess) => void): Promise<void> {
    const child = spawn(
      process.execPath,
      ["--input-type=module", "-e", `const { startRedis } = await import(${JSON.stringify(DIST)}); const s = await startRedis(); console.log(JSON.stringify(s)); setInterval(() => {}, 1000);`],
      { stdio: ["ignore", "pipe", "inherit"], detached: true },
    );
    const started = await new Promise<{ port: number; socket: string }>((resolve, reject) => {
      child.stdout?.once("data", (data: Buffer) => resolve(JSON.parse(data.toString()) as { port: number; socket: string }));
      child.once("exit", (code) => reject(new Error(`child exited with ${code}`)));
    });
    expect(await listening(started.port)).toBe(true);
    kill(child);
    expect(await eventually(async () => !(await listening(started.port)))).toBe(true);
    expect(await eventually(async () => !existsSync(dirname(started.socket)))).toBe(true);
  }

  it("a persistent server killed by SIGKILL comes back with every acknowledged write; a plain one comes back empty", async () => {
    for (const persistent of [true, false]) {
      const server = await startRedis({ persistent });
      const client = new Redis({ host: server.host, port: server.port, lazyConnect: true, maxRetriesPerRequest: 0 });
      client.on("error", () => undefined); // refused connections while the server is down
      try {
        await client.connect();
        await client.set("k", "acknowledged");
        await server.crash();
        expect(await listening(server.port)).toBe(false);
        await server.restart();
        expect(await eventually(async () => (await client.ping().catch(() => "")) === "PONG")).toBe(true);
        expect(await client.get("k")).toBe(persistent ? "acknowledged" : null);
      } finally {
        client.disconnect();
        await server.stop();
      }
    }
  });

  it("a persistent cluster master killed by SIGKILL restarts with its writes and the cluster is whole again", async () => {
    const cluster = await startRedisCluster({ persistent: true });
    const client = new Cluster(cluster.nodes, { redisOptions: { maxRetriesPerRequest: 0 } });
    client.on("error", () => undefined); // refused connections while the master is down
    try {
      const keys = Array.from({ length: 30 }, (_, i) => `k${i}`);
      for (const key of keys) await client.set(key, key);
      await cluster.crash(1);
      expect(await listening(cluster.nodes[1]?.port ?? 0)).toBe(false);
      await cluster.restart(1);
      expect(await eventually(async () => (await Promise.all(keys.map((key) => client.get(key).catch(() => null)))).every((value, i) => value === keys[i]))).toBe(true);
    } finally {
      client.disconnect();
      await cluster.stop();
    }
  });

  it("leaves no process and no file behind when the runner is killed", () =>
    killedRunnerLeavesNothing((child) => child.kill("SIGKILL")));

  it("leaves nothing behind when the runner's whole process group is terminated (Ctrl-C, timeout)", () =>
    killedRunnerLeavesNothing((child) => process.kill(-(child.pid as number), "SIGTERM")));
});
