import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
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

/** The third-party plugin fixture, mapped through STOWAGE_ADAPTERS. */
export const jsonfileBackend: TestBackend = {
  name: "jsonfile (plugin)",
  env: { STOWAGE_ADAPTERS: `jsonfile=${JSONFILE_ADAPTER}` },
  start: nothing,
  stop: nothing,
  async create() {
    const folder = await temporaryFolder();
    return { url: `jsonfile://${folder.path}/store.json`, cleanup: folder.cleanup };
  },
};

/** A basic-tier plugin (no stat, no atomicMove, no native sync) over the same JSON files. */
export const basicBackend: TestBackend = {
  name: "basic tier (plugin)",
  env: { STOWAGE_ADAPTERS: `basic=${fileURLToPath(new URL("../fixtures/basic-adapter.mjs", import.meta.url))}` },
  start: nothing,
  stop: nothing,
  async create() {
    const folder = await temporaryFolder();
    return { url: `basic://${folder.path}/store.json`, cleanup: folder.cleanup };
  },
};
