import { S3Client } from "@aws-sdk/client-s3";
import { collectBytes, canCollectGarbage, isStowageError } from "@stowage/core";
import { describe, expect, it } from "vitest";
import type { S3Storage } from "../src/index.js";
import { PART, chunks, useS3Server } from "./s3-fixture.js";

const { server, storage } = useS3Server();

/** Three 5 MiB parts: a multipart upload. */
const SIZE = 3 * PART;

/**
 * Loses the response of the first `command` the client sends: the request reaches the real server
 * and is carried out, then the client sees a connection reset instead of the answer (what a
 * dropped connection or a proxy timeout does). Added inside the SDK's retry loop, so the SDK
 * retries as it would on the wire. Returns how many responses were lost so far.
 */
function loseFirstResponse(s3: S3Storage, command: string, before = false): () => number {
  let lost = 0;
  s3.client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== command || lost > 0) return next(args);
      lost++;
      if (!before) await next(args);
      throw Object.assign(new Error("socket hang up"), { code: "ECONNRESET", $metadata: {} });
    },
    { step: "deserialize", name: `lose-${command}` },
  );
  return () => lost;
}

async function expectContent(s3: S3Storage, key: string): Promise<void> {
  const bytes = await collectBytes(await s3.read(key));
  expect(bytes.byteLength).toBe(SIZE);
  expect(bytes.equals(Buffer.concat([...Array(3).keys()].map((i) => Buffer.alloc(PART, i))))).toBe(true);
}

describe("S3 CompleteMultipartUpload whose response is lost", () => {
  it("after an SDK retry that got NoSuchUpload, the write succeeds: the object's size and multipart ETag match", async () => {
    const s3 = storage();
    const lost = loseFirstResponse(s3, "CompleteMultipartUploadCommand");
    await s3.write("big", chunks(3, PART));
    expect(lost()).toBe(1);
    await expectContent(s3, "big");
    expect(server().pendingMultipartUploads()).toEqual([]);
  });

  it("with no retry (a network error), the write succeeds after the same check", async () => {
    const s3 = storage({ client: new S3Client({ ...server().clientConfig, maxAttempts: 1 }) });
    const lost = loseFirstResponse(s3, "CompleteMultipartUploadCommand");
    await s3.write("big", chunks(3, PART));
    expect(lost()).toBe(1);
    await expectContent(s3, "big");
  });

  it("when the request never reached S3, the write fails as unavailable, keeps the old file and leaves no upload", async () => {
    const s3 = storage({ client: new S3Client({ ...server().clientConfig, maxAttempts: 1 }) });
    await s3.write("big", "old");
    loseFirstResponse(s3, "CompleteMultipartUploadCommand", true);
    const error = await s3.write("big", chunks(3, PART)).catch((reason: unknown) => reason);
    expect(isStowageError(error, "E_UNAVAILABLE"), String(error)).toBe(true);
    expect((await collectBytes(await s3.read("big"))).toString()).toBe("old");
    expect(server().pendingMultipartUploads()).toEqual([]);
  });
});

describe("S3 CreateMultipartUpload whose response is lost, and gc", () => {
  it("the SDK's retry leaves the first upload behind; collectGarbage finds it under the prefix only and aborts it", async () => {
    const s3 = storage();
    const neighbour = storage();
    const lost = loseFirstResponse(s3, "CreateMultipartUploadCommand");
    const neighbourLost = loseFirstResponse(neighbour, "CreateMultipartUploadCommand");
    await s3.write("big", chunks(3, PART));
    await neighbour.write("big", chunks(3, PART));
    expect([lost(), neighbourLost()]).toEqual([1, 1]);
    await expectContent(s3, "big");
    const ours = `${s3.prefix}/big`;
    expect(server().pendingMultipartUploads()).toEqual(expect.arrayContaining([ours, `${neighbour.prefix}/big`]));
    expect(canCollectGarbage(s3)).toBe(true);
    expect(await s3.collectGarbage({ olderThanMs: 60 * 60 * 1000 })).toEqual({ found: 0, removed: 0 });
    expect(await s3.collectGarbage({ olderThanMs: 0, dryRun: true })).toEqual({ found: 1, removed: 0 });
    expect(server().pendingMultipartUploads()).toContain(ours);
    expect(await s3.collectGarbage({ olderThanMs: 0 })).toEqual({ found: 1, removed: 1 });
    expect(server().pendingMultipartUploads()).toEqual([`${neighbour.prefix}/big`]);
    await expectContent(s3, "big");
    expect(await neighbour.collectGarbage({ olderThanMs: 0 })).toEqual({ found: 1, removed: 1 });
    expect(server().pendingMultipartUploads()).toEqual([]);
  });

  it("rejects a bad age before any request", async () => {
    const error = await storage().collectGarbage({ olderThanMs: Number.NaN }).catch((reason: unknown) => reason);
    expect(isStowageError(error, "E_INVALID_OPTIONS")).toBe(true);
  });
});
