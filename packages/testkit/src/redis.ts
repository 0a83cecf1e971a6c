/**
 * Private redis-server processes for tests and benchmarks: a standalone server and a 3-master
 * cluster on loopback, started from `redis-server` on PATH, in a temp `--dir`, with no persistence
 * unless asked for ({@link RedisStartOptions.persistent}).
 *
 * Every process is started through a `sh` wrapper whose stdin is a pipe from this process: when
 * the test runner exits, or is killed, the pipe closes, and the wrapper kills its redis-server and
 * removes the temp dir. Nothing is left behind even when no `stop()` is ever called.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { accessSync, constants, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { Redis } from "ioredis";
import { killNow, serverPid } from "./redis-pids.js";

/** How to install redis-server, in one line: shown when it is missing. */
export const REDIS_INSTALL_HINT =
  "redis-server was not found on PATH: install it (Debian/Ubuntu: 'apt-get install -y redis-server', macOS: 'brew install redis')";

/** A standalone redis-server started by {@link startRedis}. */
export interface RedisServer {
  /** Loopback host the server listens on (`127.0.0.1`). */
  host: string;
  /** Its TCP port. */
  port: number;
  /** `redis://127.0.0.1:<port>` */
  url: string;
  /** Its unix socket (also accepted by ioredis as `{ path }`). */
  socket: string;
  /** Stops the server but keeps its port, socket and dir, so {@link RedisServer.restart} can bring it back. */
  kill(): Promise<void>;
  /**
   * Starts the server again on the same port and socket: empty, or, when started `persistent`,
   * with every write it acknowledged before it stopped (its append-only file).
   */
  restart(): Promise<void>;
  /**
   * Kills redis-server with SIGKILL, as a crash or the OOM killer would: no shutdown, no last
   * save. Then {@link RedisServer.restart} brings it back.
   */
  crash(): Promise<void>;
  /** Stops the server and removes its temp dir. Idempotent. */
  stop(): Promise<void>;
  /**
   * Freezes the redis-server process (SIGSTOP): connections stay open and nothing is answered,
   * like a hung or swapped-out server. Always pair with {@link RedisServer.thaw}.
   */
  freeze(): Promise<void>;
  /** Lets a frozen server run again (SIGCONT). Harmless when it is not frozen. */
  thaw(): Promise<void>;
}

/** One master of a {@link RedisCluster}. */
export interface RedisClusterNode {
  host: string;
  port: number;
}

/** A 3-master cluster started by {@link startRedisCluster}. */
export interface RedisCluster {
  /** The masters, usable as ioredis `Cluster` startup nodes. */
  nodes: RedisClusterNode[];
  /** Stops every node and removes the temp dir. Idempotent. */
  stop(): Promise<void>;
  /** Kills the redis-server of master `index` (0-2) with SIGKILL: no shutdown, no last save. */
  crash(index: number): Promise<void>;
  /**
   * Starts master `index` again on its ports, with its cluster config (and, when started
   * `persistent`, every write it acknowledged), and resolves once every node reports
   * `cluster_state:ok` again.
   */
  restart(index: number): Promise<void>;
}

/** How {@link startRedis} and {@link startRedisCluster} start their servers. */
export interface RedisStartOptions {
  /**
   * Persist every write before acknowledging it: `appendonly yes` with `appendfsync always`, so a
   * server killed by SIGKILL and restarted has exactly the writes it acknowledged (a crash test
   * then sees what a real crash leaves, not an empty server). Default `false`: no persistence.
   */
  persistent?: boolean;
}

const HOST = "127.0.0.1";
const READY = /ready to accept connections/i;
const PORT_TAKEN = /address already in use/i;
// Generous: a loaded machine (load average 20+) can take seconds to start a process.
const START_TIMEOUT_MS = 30_000;
const PORT_ATTEMPTS = 5;

// The wrapper: redis-server in the background; when stdin closes (stop() or our death), kill it.
// `exec` would lose the stdin watch, so the shell stays as a tiny supervisor.
// A server frozen by freeze() (SIGSTOP) gets SIGCONT after the TERM, or it would never act on it.
const SUPERVISOR = 'redis-server "$@" & pid=$!; cat >/dev/null; kill $pid 2>/dev/null; kill -CONT $pid 2>/dev/null; wait $pid';
// Owns a temp dir: removes it when stdin closes, so a killed runner leaves no files either. It
// ignores the signals a whole process group gets (Ctrl-C, `timeout`), which would stop it short.
const DIR_GUARD = 'trap "" INT TERM HUP; cat >/dev/null; rm -rf "$0"';

/** Starts a private standalone redis-server on a free loopback port and a unix socket. */
export async function startRedis(options: RedisStartOptions = {}): Promise<RedisServer> {
  assertRedisInstalled();
  const dir = guardedTempDir("stowage-redis-");
  const socket = join(dir.path, "redis.sock");
  const args = (port: number) => [
    ...baseArgs(dir.path, options),
    "--port", String(port),
    "--unixsocket", socket,
    "--unixsocketperm", "700",
  ];
  let child: ChildProcess | undefined;
  let port = 0;
  try {
    ({ process: child, port } = await startOnFreePort((p) => args(p)));
  } catch (error) {
    await dir.remove();
    throw error;
  }
  let frozen: number | undefined;
  const thaw = async () => {
    if (frozen !== undefined) process.kill(frozen, "SIGCONT");
    frozen = undefined;
  };
  const kill = async () => {
    await thaw();
    if (child !== undefined) await stopProcess(child);
    child = undefined;
  };
  return {
    host: HOST,
    port,
    url: `redis://${HOST}:${port}`,
    socket,
    kill,
    restart: async () => {
      await kill();
      child = await startProcess(args(port));
    },
    crash: async () => {
      await thaw();
      await killNow(await serverPid(HOST, port), START_TIMEOUT_MS);
    },
    stop: async () => {
      await kill();
      await dir.remove();
    },
    freeze: async () => {
      if (frozen !== undefined) return;
      frozen = await serverPid(HOST, port);
      process.kill(frozen, "SIGSTOP");
    },
    thaw,
  };
}

/**
 * Starts 3 cluster-enabled redis-servers on loopback, assigns them the slot ranges 0-5460,
 * 5461-10922 and 10923-16383, introduces them with CLUSTER MEET, and resolves once every node
 * reports `cluster_state:ok` and knows all three masters.
 */
export async function startRedisCluster(options: RedisStartOptions = {}): Promise<RedisCluster> {
  assertRedisInstalled();
  const dir = guardedTempDir("stowage-redis-cluster-");
  const processes: (ChildProcess | undefined)[] = [];
  const nodes: (RedisClusterNode & { busPort: number })[] = [];
  const stop = async () => {
    await Promise.all(processes.splice(0).map((child) => child && stopProcess(child)));
    await dir.remove();
  };
  const args = (i: number, port: number, busPort: number) => [
    // Each node its own dir: persistent nodes must not share an append-only file.
    ...baseArgs(join(dir.path, `node-${i}`), options),
    "--port", String(port),
    "--cluster-enabled", "yes",
    "--cluster-config-file", join(dir.path, `nodes-${i}.conf`),
    // Long enough that a node starved of CPU on a loaded machine is not marked failed (CLUSTERDOWN).
    "--cluster-node-timeout", "15000",
    "--cluster-port", String(busPort),
  ];
  const nodeAt = (index: number) => {
    const node = nodes[index];
    if (node === undefined) throw new RangeError(`no cluster node ${index}: the cluster has ${nodes.length}`);
    return node;
  };
  try {
    for (let i = 0; i < 3; i++) {
      mkdirSync(join(dir.path, `node-${i}`));
      let busPort = 0;
      const started = await startOnFreePort(async (port) => {
        // Ports above 55535 have no room for the default bus port (port + 10000): pick one.
        busPort = await freePort();
        return args(i, port, busPort);
      });
      processes.push(started.process);
      nodes.push({ host: HOST, port: started.port, busPort });
    }
    await bootstrapCluster(nodes);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    nodes: nodes.map(({ host, port }) => ({ host, port })),
    stop,
    crash: async (index) => {
      await killNow(await serverPid(HOST, nodeAt(index).port), START_TIMEOUT_MS);
    },
    restart: async (index) => {
      const { port, busPort } = nodeAt(index);
      const old = processes[index];
      processes[index] = undefined;
      if (old !== undefined) await stopProcess(old);
      processes[index] = await startProcess(args(index, port, busPort));
      await clusterReady(nodes);
    },
  };
}

/** Throws a one-line install hint when `redis-server` is not on PATH. */
export function assertRedisInstalled(): void {
  const found = (process.env.PATH ?? "").split(delimiter).some((folder) => {
    try {
      accessSync(join(folder, "redis-server"), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
  if (!found) throw new Error(REDIS_INSTALL_HINT);
}

const SLOT_RANGES = [
  [0, 5460],
  [5461, 10922],
  [10923, 16383],
] as const;

async function bootstrapCluster(nodes: readonly (RedisClusterNode & { busPort: number })[]): Promise<void> {
  const clients = nodes.map((node) => new Redis({ host: node.host, port: node.port, lazyConnect: true, maxRetriesPerRequest: 0 }));
  try {
    await Promise.all(
      clients.map((client, i) => {
        const [from, to] = SLOT_RANGES[i] ?? [0, 0];
        return client.call("CLUSTER", "ADDSLOTSRANGE", from, to);
      }),
    );
    const [first] = clients;
    for (const node of nodes.slice(1)) await first?.call("CLUSTER", "MEET", node.host, node.port, node.busPort);
  } finally {
    clients.forEach((client) => client.disconnect());
  }
  await clusterReady(nodes);
}

/** Resolves once every node reports `cluster_state:ok` and knows every master; fails after START_TIMEOUT_MS. */
async function clusterReady(nodes: readonly RedisClusterNode[]): Promise<void> {
  const clients = nodes.map((node) => new Redis({ host: node.host, port: node.port, lazyConnect: true, maxRetriesPerRequest: 0 }));
  try {
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      const infos = await Promise.all(clients.map((client) => client.call("CLUSTER", "INFO") as Promise<string>));
      if (infos.every((info) => /cluster_state:ok/.test(info) && new RegExp(`cluster_known_nodes:${nodes.length}\\b`).test(info))) return;
      if (Date.now() > deadline) throw new Error(`redis cluster did not become ready: ${infos[0] ?? ""}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    clients.forEach((client) => client.disconnect());
  }
}

function baseArgs(dir: string, options: RedisStartOptions): string[] {
  // No RDB; AOF only when persistent, fsynced before each reply; logs on stdout (for the
  // readiness line), bound to loopback only.
  const aof = options.persistent === true ? ["--appendonly", "yes", "--appendfsync", "always"] : ["--appendonly", "no"];
  return ["--bind", HOST, "--save", "", ...aof, "--dir", dir, "--logfile", "", "--protected-mode", "yes"];
}

/** Starts a server on a fresh free port, retrying on another port when one is taken meanwhile. */
async function startOnFreePort(
  args: (port: number) => string[] | Promise<string[]>,
): Promise<{ process: ChildProcess; port: number }> {
  let lastError: unknown;
  for (let attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
    const port = await freePort();
    try {
      return { process: await startProcess(await args(port)), port };
    } catch (error) {
      lastError = error;
      if (!(error instanceof PortTakenError)) throw error;
    }
  }
  throw lastError;
}

class PortTakenError extends Error {}

/** Spawns the supervised redis-server and resolves once its log says it is ready. */
function startProcess(args: string[]): Promise<ChildProcess> {
  // Its own process group: signals aimed at the runner's group do not cut the cleanup short.
  const child = spawn("sh", ["-c", SUPERVISOR, "sh", ...args], { stdio: ["pipe", "pipe", "pipe"], detached: true });
  unrefAll(child);
  return new Promise((resolve, reject) => {
    let log = "";
    const timer = setTimeout(() => fail(new Error(`redis-server did not start in ${START_TIMEOUT_MS} ms:\n${log}`)), START_TIMEOUT_MS);
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.stdin?.end();
      reject(error);
    };
    const onData = (data: Buffer) => {
      log += data.toString();
      if (READY.test(log)) {
        clearTimeout(timer);
        child.stdout?.off("data", onData);
        child.stderr?.off("data", onData);
        child.off("exit", onExit);
        // Keep draining the log so redis-server never blocks on a full pipe.
        child.stdout?.resume();
        child.stderr?.resume();
        resolve(child);
      } else if (PORT_TAKEN.test(log)) {
        fail(new PortTakenError(log.trim()));
      }
    };
    const onExit = () => fail(PORT_TAKEN.test(log) ? new PortTakenError(log.trim()) : new Error(`redis-server exited:\n${log}`));
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", onExit);
    child.once("error", fail);
  });
}

/** Closes the supervisor's stdin (it kills redis-server and waits for it) and waits for its exit. */
async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.ref(); // keep the runner alive until the server is really gone
  child.stdin?.end();
  await exited;
}

/** A temp dir removed on {@link remove}, or by a guard process when this process dies first. */
function guardedTempDir(prefix: string): { path: string; remove(): Promise<void> } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  const guard = spawn("sh", ["-c", DIR_GUARD, path], { stdio: ["pipe", "ignore", "ignore"], detached: true });
  unrefAll(guard);
  return {
    path,
    remove: async () => {
      await stopProcess(guard);
      rmSync(path, { recursive: true, force: true });
    },
  };
}

/** Lets the runner exit while a supervisor still runs: its stdin closing is what stops it. */
function unrefAll(child: ChildProcess): void {
  child.unref();
  for (const stream of [child.stdin, child.stdout, child.stderr]) (stream as { unref?: () => void } | null)?.unref?.();
}

/** A port that was free a moment ago (the OS picks it); callers retry if it is taken meanwhile. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
