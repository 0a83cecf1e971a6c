import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startRedis, type RedisServer } from "@stowage/testkit/redis";
import { startS3Server, type S3TestServer } from "@stowage/testkit/s3";

/** The plugin fixture's path: a jsonfile: store that outlives one CLI process. */
export const JSONFILE_ADAPTER = fileURLToPath(new URL("../fixtures/jsonfile-adapter.mjs", import.meta.url));

/** A new, empty store of a backend, as the CLI addresses it. */
export interface TestStore {
  url: string;
  cleanup(): Promise<void>;
}

/**
 * A backend the CLI tests run against. `start` and `stop` bracket a test file (they start and
 * stop a real server on loopback where the backend needs one); `create` makes a fresh store.
 */
export interface TestBackend {
  name: string;
  /** Environment the CLI needs to reach the backend. */
  env: NodeJS.ProcessEnv;
  start(): Promise<void>;
  stop(): Promise<void>;
  create(): Promise<TestStore>;
}

/** A temporary folder, removed by the returned function. */
export async function temporaryFolder(): Promise<{ path: string; cleanup(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), "stowage-cli-"));
  return { path, cleanup: () => rm(path, { recursive: true, force: true }) };
}

const nothing = async (): Promise<void> => undefined;

/** A local folder (`@stowage/local`), addressed by a plain path. */
export const localBackend: TestBackend = {
  name: "local",
  env: {},
  start: nothing,
  stop: nothing,
  async create() {
    const folder = await temporaryFolder();
    return { url: join(folder.path, "store"), cleanup: folder.cleanup };
  },
};

/** A private redis-server on loopback (`@stowage/redis`); each store is its own namespace. */
export function redisBackend(transport: "tcp" | "unix" = "tcp"): TestBackend {
  let server: RedisServer | undefined;
  return {
    name: transport === "tcp" ? "redis" : "redis+unix",
    env: {},
    async start() {
      server = await startRedis();
    },
    async stop() {
      await server?.stop();
    },
    async create() {
      if (server === undefined) throw new Error("redis backend not started");
      const namespace = `t${randomBytes(6).toString("hex")}`;
      const base = transport === "tcp" ? `${server.url}/0` : `redis+unix://${server.socket}`;
      return { url: `${base}?namespace=${namespace}`, cleanup: nothing };
    },
  };
}

/** The in-process S3 server on loopback (`@stowage/s3`); each store is its own bucket. */
export function s3Backend(query = ""): TestBackend {
  let server: S3TestServer | undefined;
  return {
    name: "s3",
    env: { AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test", AWS_EC2_METADATA_DISABLED: "true" },
    async start() {
      server = await startS3Server();
    },
    async stop() {
      await server?.stop();
    },
    async create() {
      if (server === undefined) throw new Error("s3 backend not started");
      const bucket = server.createBucket();
      const url = `s3://${bucket}/root?endpoint=${server.endpoint}&region=us-east-1&forcePathStyle=true${query}`;
      return { url, cleanup: nothing };
    },
  };
}

/** A plugin fixture of `fixtures/` serving `scheme:`, mapped through STOWAGE_ADAPTERS; each store is a JSON file. */
function pluginBackend(name: string, scheme: string, fixture: string): TestBackend {
  return {
    name,
    env: { STOWAGE_ADAPTERS: `${scheme}=${fileURLToPath(new URL(`../fixtures/${fixture}`, import.meta.url))}` },
    start: nothing,
    stop: nothing,
    async create() {
      const folder = await temporaryFolder();
      return { url: `${scheme}://${folder.path}/store.json`, cleanup: folder.cleanup };
    },
  };
}

/** The third-party plugin fixture. */
export const jsonfileBackend = pluginBackend("jsonfile (plugin)", "jsonfile", "jsonfile-adapter.mjs");

/** A basic-tier plugin (no stat, no atomicMove, no native sync) over the same JSON files. */
export const basicBackend = pluginBackend("basic tier (plugin)", "basic", "basic-adapter.mjs");

/** A basic-tier plugin whose reads of keys ending in `.fail`, and writes of keys ending in `.nowrite`, fail (fault injection for sync errors). */
export const failingBackend = pluginBackend("failing reads (plugin)", "failing", "failing-adapter.mjs");

/**
 * Replaces the content of a store of the JSON-file plugins (jsonfile, basic, failing) with `files`,
 * all with one fixed modification time: faster than one CLI run per file.
 */
export async function fillJsonStore(store: TestStore, files: Record<string, string>): Promise<void> {
  const mtime = "2024-05-01T12:00:00.000Z";
  const entries = Object.entries(files).map(([key, text]) => [key, { data: Buffer.from(text).toString("base64"), mtime }]);
  await writeFile(fileURLToPath(`file://${new URL(store.url).pathname}`), JSON.stringify(Object.fromEntries(entries)));
}
