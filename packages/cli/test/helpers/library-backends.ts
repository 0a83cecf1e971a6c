import { randomUUID } from "node:crypto";
import type { AdvancedSnapshotStorage } from "@stowage/core";
import { LocalFileSystemBackend } from "@stowage/local";
import { MemoryStorage } from "@stowage/memory";
import { RedisStorage } from "@stowage/redis";
import { S3Storage } from "@stowage/s3";
import { startRedis, type RedisServer } from "@stowage/testkit/redis";
import { startS3Server, type S3TestServer } from "@stowage/testkit/s3";
import { temporaryFolder } from "./backends.js";

/** The first-party backends, by name. */
export type BackendKind = "memory" | "local" | "redis" | "s3";

/** Every backend kind, in a fixed order. */
export const BACKEND_KINDS: readonly BackendKind[] = ["memory", "local", "redis", "s3"];

/**
 * Storage objects of every first-party backend for library-level tests (`syncStorages`,
 * `checkStorages`) in this package, where the real servers are at hand: a private redis-server and
 * the in-process S3 server on loopback, started by {@link start} and stopped, with every storage
 * opened, by {@link stop}. Each {@link open} gives a fresh, empty storage: a new folder, Redis
 * namespace or bucket.
 */
export class LibraryBackends {
  #redis: RedisServer | undefined;
  #s3: S3TestServer | undefined;
  readonly #cleanups: Array<() => Promise<void> | void> = [];

  async start(): Promise<void> {
    [this.#redis, this.#s3] = await Promise.all([startRedis(), startS3Server()]);
  }

  async stop(): Promise<void> {
    for (const cleanup of this.#cleanups.splice(0)) await cleanup();
    await Promise.all([this.#redis?.stop(), this.#s3?.stop()]);
  }

  async open(kind: BackendKind): Promise<AdvancedSnapshotStorage> {
    if (kind === "memory") return new MemoryStorage();
    if (kind === "local") {
      const folder = await temporaryFolder();
      this.#cleanups.push(folder.cleanup);
      return new LocalFileSystemBackend({ location: folder.path, durable: false });
    }
    if (kind === "redis") {
      const storage = new RedisStorage({ url: this.#redis?.url, namespace: randomUUID() });
      this.#cleanups.push(() => storage.close());
      return storage;
    }
    const server = this.#s3;
    if (server === undefined) throw new Error("the S3 server is not started");
    const storage = new S3Storage({ bucket: server.createBucket(), clientConfig: server.clientConfig });
    this.#cleanups.push(() => storage.close());
    return storage;
  }
}
