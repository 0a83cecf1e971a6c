import { S3Client } from "@aws-sdk/client-s3";
import { SnapshotIOError, SnapshotNotFoundError, StorageUnavailableError } from "@stowage/core";
import { createServer } from "node:net";
import { faultyClientConfig } from "@stowage/testkit/s3";
import { describe, expect, it } from "vitest";
import { S3Storage } from "../src/index.js";
import { useS3Server } from "./s3-fixture.js";

const { server, storage } = useS3Server();

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const address = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

describe("S3Storage errors", () => {
  it("reports a missing bucket as StorageUnavailableError with the SDK error as cause", async () => {
    const s3 = new S3Storage({ bucket: "no-such-bucket", clientConfig: server().clientConfig });
    const attempts = [() => s3.read("x"), () => s3.list(""), () => s3.write("x", "y"), () => s3.recursiveList("")];
    for (const attempt of attempts) {
      const error = await attempt().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StorageUnavailableError);
      expect((error as Error).message).toMatch(/bucket 'no-such-bucket' does not exist/);
      expect(((error as Error).cause as Error).name).toBe("NoSuchBucket");
    }
    s3.close();
  });

  it("reports a missing bucket from exists and stat too, though HeadObject answers a bare 404", async () => {
    const s3 = new S3Storage({ bucket: "no-such-bucket", clientConfig: server().clientConfig });
    for (const attempt of [() => s3.exists("x"), () => s3.stat("x"), () => s3.atomicMove("x", "y")]) {
      const error = await attempt().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StorageUnavailableError);
      expect((error as Error).message).toMatch(/bucket 'no-such-bucket' does not exist/);
      expect(((error as Error).cause as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode).toBe(404);
    }
    s3.close();
  });

  it("checks the bucket once, on the first missing key, and remembers it", async () => {
    const s3 = storage();
    const sent: string[] = [];
    s3.client.middlewareStack.add((next, context) => async (args) => {
      sent.push(context.commandName ?? "");
      return next(args);
    }, { step: "initialize", name: "record" });
    await s3.write("here", "x");
    expect(await s3.exists("here")).toBe(true);
    expect(sent).not.toContain("HeadBucketCommand"); // nothing missing yet: no check
    expect(await Promise.all([s3.exists("a"), s3.exists("b"), s3.exists("c")])).toEqual([false, false, false]);
    await expect(s3.stat("d")).rejects.toBeInstanceOf(SnapshotNotFoundError);
    expect(await s3.exists("e")).toBe(false);
    expect(sent.filter((name) => name === "HeadBucketCommand")).toEqual(["HeadBucketCommand"]);
  });

  it("does not remember a missing bucket: once created, it is found", async () => {
    const name = `later-${Date.now()}`;
    const s3 = new S3Storage({ bucket: name, clientConfig: server().clientConfig });
    await expect(s3.exists("x")).rejects.toBeInstanceOf(StorageUnavailableError);
    server().createBucket(name);
    expect(await s3.exists("x")).toBe(false);
    s3.close();
  });

  it("reports an unreachable server as StorageUnavailableError after the configured attempts", async () => {
    const port = await closedPort();
    const s3 = new S3Storage({
      bucket: "b",
      clientConfig: { ...server().clientConfig, endpoint: `http://127.0.0.1:${port}`, maxAttempts: 2 },
    });
    const error = await s3.exists("x").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageUnavailableError);
    const cause = (error as Error).cause as { code?: string; $metadata?: { attempts?: number } };
    expect(cause.code).toBe("ECONNREFUSED");
    expect(cause.$metadata?.attempts).toBe(2);
    s3.close();
  });

  it("reports denied access as SnapshotIOError naming the key, on both transports", async () => {
    // The test server grants everything, so the denial is injected on the wire.
    for (const transport of ["lean", "sdk"] as const) {
      const wire = faultyClientConfig(server().clientConfig, (request) => (request.method === "GET" ? { kind: "reply", status: 403, code: "AccessDenied" } : undefined));
      const s3 = new S3Storage({ bucket: server().bucket, clientConfig: wire.clientConfig, transport });
      const error = await s3.read("secret").catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SnapshotIOError);
      expect(error).toMatchObject({ path: "secret", code: "E_IO" });
      expect((error as Error).message).toMatch(/denied/);
      expect(((error as Error).cause as Error).name).toBe("AccessDenied");
      s3.close();
    }
  });

  it("leaves a shared client open on close", async () => {
    const client = new S3Client(server().clientConfig);
    const s3 = new S3Storage({ bucket: server().bucket, client });
    s3.close();
    await s3.write("still-works", "x");
    expect(await s3.exists("still-works")).toBe(true);
    await s3.delete("still-works");
  });
});

/**
 * A TCP proxy to the test server that cuts the connection once `limit` bytes of responses have
 * passed: a reset mid-body, which a real server does not produce on demand.
 */
async function cuttingProxy(target: URL, limit: number): Promise<{ endpoint: string; close(): Promise<void> }> {
  const { connect } = await import("node:net");
  const sockets = new Set<import("node:net").Socket>();
  const proxy = createServer((client) => {
    const upstream = connect(Number(target.port), target.hostname);
    sockets.add(client).add(upstream);
    let passed = 0;
    client.pipe(upstream);
    upstream.on("data", (chunk: Buffer) => {
      passed += chunk.byteLength;
      if (passed > limit) {
        client.destroy();
        upstream.destroy();
      } else {
        client.write(chunk);
      }
    });
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on("error", end).on("close", end);
    upstream.on("error", end).on("close", end);
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  const address = proxy.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => proxy.close(resolve));
    },
  };
}

describe("S3Storage reads cut off mid-body", () => {
  it("read() fails with a typed stowage error (cause: the socket's error), not a bare 'aborted'", async () => {
    const direct = storage();
    await direct.write("big.bin", Buffer.alloc(4 * 1024 * 1024, 7));
    const proxy = await cuttingProxy(new URL(server().endpoint), 256 * 1024);
    const cut = new S3Storage({
      bucket: direct.bucket,
      prefix: direct.prefix,
      clientConfig: { ...server().clientConfig, endpoint: proxy.endpoint, maxAttempts: 1 },
    });
    try {
      const body = await cut.read("big.bin");
      let failure: unknown;
      try {
        for await (const _ of body) {
          // drain until the connection is cut
        }
      } catch (error) {
        failure = error;
      }
      expect(failure).toBeDefined();
      expect(["E_IO", "E_UNAVAILABLE"]).toContain((failure as { code?: string }).code);
      expect((failure as Error).message).toContain("big.bin");
      expect((failure as Error).cause).toBeDefined();
    } finally {
      cut.close();
      await proxy.close();
    }
  });
});

describe("S3 deadlines", () => {
  it("an endpoint that accepts connections and never answers fails within requestTimeoutMs, as StorageUnavailableError", async () => {
    const silent = createServer(() => undefined); // accepts, reads nothing, answers nothing
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const address = silent.address();
    if (address === null || typeof address === "string") throw new Error("no port");
    const hanging = new S3Storage({
      bucket: "b",
      clientConfig: { ...server().clientConfig, endpoint: `http://127.0.0.1:${address.port}`, maxAttempts: 1 },
      requestTimeoutMs: 300,
    });
    try {
      const started = Date.now();
      await expect(hanging.write("k", "v")).rejects.toBeInstanceOf(StorageUnavailableError);
      await expect(hanging.read("k")).rejects.toMatchObject({ code: "E_UNAVAILABLE" });
      // Far below the SDK's own default, which is to wait forever.
      expect(Date.now() - started).toBeLessThan(20_000);
    } finally {
      hanging.close();
      silent.close();
    }
  });

  it("rejects a deadline that is not a positive integer", () => {
    expect(() => new S3Storage({ bucket: "b", requestTimeoutMs: 0 })).toThrow(expect.objectContaining({ code: "E_INVALID_OPTIONS", option: "requestTimeoutMs" }));
    expect(() => new S3Storage({ bucket: "b", connectTimeoutMs: 1.5 })).toThrow(expect.objectContaining({ code: "E_INVALID_OPTIONS", option: "connectTimeoutMs" }));
  });
});
