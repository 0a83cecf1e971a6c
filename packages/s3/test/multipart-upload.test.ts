import { collectBytes } from "@stowage/core";
import { describe, expect, it } from "vitest";
import { AbortFailure } from "../src/index.js";
import { PART, chunks, useS3Server } from "./s3-fixture.js";

const { server, storage } = useS3Server();
const MIB = 1024 * 1024;

describe("S3Storage multipart uploads", () => {
  it("aborts the upload when the source fails after two parts, keeping the old file", async () => {
    const s3 = storage({ queueSize: 2 });
    await s3.write("file", "old");
    // 11 MiB arrive (two full parts sent), then the source throws.
    const failure = await s3.streamWrite("file", chunks(20, MIB, 11)).catch((error: unknown) => error);
    expect((failure as Error).message).toBe("source failed"); // the caller's own error, unwrapped
    expect(server().pendingMultipartUploads()).toEqual([]);
    expect((await collectBytes(await s3.read("file"))).toString()).toBe("old");
  });

  it("aborts the upload and stops reading the source when a part is rejected", async () => {
    const s3 = storage({ queueSize: 2 });
    let parts = 0;
    s3.client.middlewareStack.add((next, context) => async (args) => {
      if (context.commandName === "UploadPartCommand" && ++parts === 3) throw new Error("injected part failure");
      return next(args);
    }, { step: "initialize", name: "failThirdPart" });
    let pulled = 0;
    async function* counted(): AsyncGenerator<Uint8Array> {
      for await (const chunk of chunks(100, MIB)) {
        pulled++;
        yield chunk;
      }
    }
    const failure = await s3.streamWrite("never", counted()).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Error);
    expect(String((failure as Error).cause ?? failure)).toMatch(/injected part failure/);
    expect(server().pendingMultipartUploads()).toEqual([]);
    expect(await s3.exists("never")).toBe(false);
    // Fail fast: the source was abandoned long before its 100 MiB ended.
    expect(pulled).toBeLessThan(40);
  });

  it("reports an upload it could not abort, naming the upload left behind", async () => {
    const s3 = storage();
    s3.client.middlewareStack.add((next, context) => async (args) => {
      if (context.commandName === "CompleteMultipartUploadCommand") throw new Error("injected complete failure");
      if (context.commandName === "AbortMultipartUploadCommand") throw new Error("injected abort failure");
      return next(args);
    }, { step: "initialize", name: "failCompleteAndAbort" });
    const failure = await s3.streamWrite("stuck", chunks(6, MIB)).catch((error: unknown) => error);
    const cause = (failure as Error).cause;
    expect(cause).toBeInstanceOf(AbortFailure);
    expect(String((cause as AbortFailure).abortError)).toMatch(/injected abort failure/);
    expect(String((cause as AbortFailure).uploadError)).toMatch(/injected complete failure/);
    expect(server().pendingMultipartUploads()).toEqual([`${s3.prefix}/stuck`]);
    s3.client.middlewareStack.remove("failCompleteAndAbort");
  });

  it("uploads parts of the configured size, a few at a time", async () => {
    const s3 = storage({ partSize: PART, queueSize: 2 });
    let active = 0;
    let peak = 0;
    const sizes: number[] = [];
    s3.client.middlewareStack.add((next, context) => async (args) => {
      if (context.commandName !== "UploadPartCommand") return next(args);
      sizes.push(((args.input as { Body: Uint8Array }).Body).byteLength);
      peak = Math.max(peak, ++active);
      try {
        return await next(args);
      } finally {
        active--;
      }
    }, { step: "initialize", name: "watchParts" });
    await s3.streamWrite("parts", chunks(23, MIB));
    expect(sizes.sort((a, b) => b - a)).toEqual([PART, PART, PART, PART, 3 * MIB]);
    expect(peak).toBeLessThanOrEqual(2);
    expect((await s3.stat("parts")).size).toBe(23 * MIB);
    await s3.delete("parts");
  });

  it("keeps the bytes of a source that reuses one buffer for every chunk", async () => {
    const s3 = storage();
    const buffer = Buffer.alloc(3 * MIB);
    async function* reusing(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < 4; i++) {
        buffer.fill(i + 1);
        yield buffer; // 12 MiB in all: parts of 5 + 5 + 2 MiB, each made of several chunks
      }
    }
    await s3.streamWrite("reused", reusing());
    const bytes = await collectBytes(await s3.read("reused"));
    expect(bytes.byteLength).toBe(12 * MIB);
    // Runs of equal bytes, as "<byte>x<MiB>": each chunk must keep the byte it was written with.
    const runs: string[] = [];
    for (let at = 0; at < bytes.byteLength; ) {
      let end = at;
      while (end < bytes.byteLength && bytes[end] === bytes[at]) end++;
      runs.push(`${bytes[at]}x${(end - at) / MIB}`);
      at = end;
    }
    expect(runs).toEqual(["1x3", "2x3", "3x3", "4x3"]);
    await s3.delete("reused");
  });
});
