import { randomBytes } from "node:crypto";
import type { S3Client } from "@aws-sdk/client-s3";
import { startS3Server, type S3TestServer } from "@stowage/testkit/s3";
import { afterAll, beforeAll } from "vitest";
import { S3Storage, type S3StorageOptions } from "../src/index.js";

/** 5 MiB, S3's smallest part: tests keep parts small because the test server caps bodies at 11 MiB. */
export const PART = 5 * 1024 * 1024;

/** Starts one S3 server for the file's tests and stops it afterwards. */
export function useS3Server(): { server: () => S3TestServer; storage: (options?: Partial<S3StorageOptions>) => S3Storage } {
  let server: S3TestServer | undefined;
  beforeAll(async () => {
    server = await startS3Server();
  });
  afterAll(async () => {
    await server?.stop();
  });
  const current = (): S3TestServer => {
    if (server === undefined) throw new Error("S3 test server not started");
    return server;
  };
  return {
    server: current,
    // Each storage gets its own root prefix, so tests never see each other's files.
    storage: (options = {}) =>
      new S3Storage({
        bucket: current().bucket,
        prefix: `t-${randomBytes(4).toString("hex")}`,
        partSize: PART,
        ...(options.client === undefined ? { clientConfig: current().clientConfig } : {}),
        ...options,
      } as S3StorageOptions),
  };
}

/** Yields `count` chunks of `size` bytes, each filled with its index, then optionally throws. */
export async function* chunks(count: number, size: number, failAfter?: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < count; i++) {
    if (failAfter !== undefined && i === failAfter) throw new Error("source failed");
    yield Buffer.alloc(size, i % 256);
  }
}

/**
 * Listing page size (`maxKeys`) of the conformance suites' backends: their large folder and large
 * store, a few pages of it, cross several page boundaries with a few dozen objects instead of 1000+.
 */
export const SUITE_PAGE = 7;
/** Files in the blob suites' large folder: four full pages and part of a fifth. */
export const SUITE_LISTING = 4 * SUITE_PAGE + 3;

/** Empties a conformance suite's storage and closes it. */
export async function cleanupStorage(storage: S3Storage): Promise<void> {
  await storage.deleteMany(await storage.recursiveList(""));
  storage.close();
}

/** The request handler of a client, as far as recording needs it. */
interface Handler {
  handle(request: WireRequest, options?: unknown): Promise<unknown>;
}
interface WireRequest {
  method: string;
  path: string;
  query?: Record<string, unknown>;
  headers: Record<string, string>;
}

/**
 * The S3 operation an HTTP request is (`"HeadObjectCommand"`, ...), from its method, path and
 * query: how requests of both transports, the SDK's and the lean one, are named alike.
 */
export function commandOf(request: WireRequest): string {
  const query = request.query ?? {};
  const has = (name: string): boolean => name in query;
  const copy = Object.keys(request.headers).some((name) => name.toLowerCase() === "x-amz-copy-source");
  const onBucket = request.path.replace(/^\/+|\/+$/g, "").split("/").length <= 1;
  const name = (() => {
    switch (request.method) {
      case "HEAD":
        return onBucket ? "HeadBucket" : "HeadObject";
      case "GET":
        if (has("uploads")) return "ListMultipartUploads";
        if (has("list-type")) return "ListObjectsV2";
        return onBucket ? "ListObjects" : "GetObject";
      case "PUT":
        if (has("uploadId")) return copy ? "UploadPartCopy" : "UploadPart";
        return copy ? "CopyObject" : "PutObject";
      case "POST":
        if (has("uploads")) return "CreateMultipartUpload";
        if (has("uploadId")) return "CompleteMultipartUpload";
        return has("delete") ? "DeleteObjects" : "Post";
      case "DELETE":
        return has("uploadId") ? "AbortMultipartUpload" : "DeleteObject";
      default:
        return request.method;
    }
  })();
  return `${name}Command`;
}

/**
 * Records the name of every request `client` sends (`"HeadObjectCommand"`, ...), in order, at its
 * request handler, so that the lean transport's requests count as the SDK's do (a retry is a
 * request of its own); with `failOn`, the `nth` SDK command of that name fails instead of being sent.
 */
export function recordCommands(client: S3Client, failOn?: { command: string; nth: number }): string[] {
  const sent: string[] = [];
  const handler = client.config.requestHandler as unknown as Handler;
  const handle = handler.handle.bind(handler);
  handler.handle = (request, options) => {
    sent.push(commandOf(request));
    return handle(request, options);
  };
  if (failOn !== undefined) {
    let seen = 0;
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === failOn.command && ++seen === failOn.nth) throw new Error(`injected ${failOn.command} failure`);
        return next(args);
      },
      { step: "initialize", name: "fail" },
    );
  }
  return sent;
}

/** How many times `name` (`"GetObject"` or `"GetObjectCommand"`) occurs in `sent`. */
export function countOf(sent: readonly string[], name: string): number {
  const full = name.endsWith("Command") ? name : `${name}Command`;
  return sent.filter((entry) => entry === full).length;
}

/**
 * Keys of the unfinished multipart uploads under `storage`'s root: what an aborted write must not
 * leave. Read from the test server's state, since fauxqs has no ListMultipartUploads.
 */
export async function unfinishedUploads(server: S3TestServer, storage: S3Storage): Promise<string[]> {
  const prefix = storage.prefix === "" ? "" : `${storage.prefix}/`;
  return server.pendingMultipartUploads(storage.bucket).filter((key) => key.startsWith(prefix));
}
