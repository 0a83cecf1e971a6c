import { AbortMultipartUploadCommand, CreateMultipartUploadCommand } from "@aws-sdk/client-s3";
import { isStowageError } from "@stowage/core";
import { describe, expect, it } from "vitest";
import { PART, countOf, recordCommands, unfinishedUploads, useS3Server } from "./s3-fixture.js";

const { server, storage } = useS3Server();

/** `parts` parts of PART bytes, each filled with its index, one part per chunk; aborts `controller` before yielding part `abortAt`, then stalls for ever when `stall`. */
async function* partsAbortingAt(parts: number, abortAt: number, controller: AbortController, stall: boolean): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < parts; i++) {
    if (i === abortAt) {
      controller.abort(new Error("interrupted"));
      if (stall) await new Promise<never>(() => undefined);
    }
    yield Buffer.alloc(PART, i);
  }
}

async function failureOf(action: Promise<unknown>): Promise<unknown> {
  return action.then(
    () => expect.fail("expected a rejection"),
    (error: unknown) => error,
  );
}

describe("S3Storage: an aborted write leaves no multipart upload", () => {
  it("aborts the multipart upload when the signal aborts while the source stalls, keeping the old object", async () => {
    const s3 = storage();
    const sent = recordCommands(s3.client);
    await s3.write("f", "old");
    const controller = new AbortController();
    const error = await failureOf(s3.write("f", partsAbortingAt(4, 3, controller, true), { signal: controller.signal }));
    expect(isStowageError(error, "E_ABORTED")).toBe(true);
    expect((error as Error).cause).toBe(controller.signal.reason);
    expect(countOf(sent, "CreateMultipartUpload")).toBe(1);
    expect(countOf(sent, "AbortMultipartUpload")).toBe(1);
    expect(countOf(sent, "CompleteMultipartUpload")).toBe(0);
    expect(await unfinishedUploads(server(), s3)).toEqual([]);
    expect((await s3.stat("f")).size).toBe(3);
    s3.close();
  });

  it("cuts the part upload in flight when the signal aborts during UploadPart", async () => {
    const s3 = storage({ queueSize: 1 });
    const controller = new AbortController();
    // Aborts as the second part is being sent: the request is cut, not waited for.
    let parts = 0;
    s3.client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === "UploadPartCommand" && ++parts === 2) controller.abort("stop");
        return next(args);
      },
      { step: "finalizeRequest", name: "abortOnSecondPart" },
    );
    const sent = recordCommands(s3.client);
    const source = partsAbortingAt(3, 99, controller, false);
    const error = await failureOf(s3.write("new/file", source, { signal: controller.signal }));
    expect(isStowageError(error, "E_ABORTED")).toBe(true);
    expect((error as Error).cause).toBe("stop");
    expect(countOf(sent, "AbortMultipartUpload")).toBe(1);
    expect(countOf(sent, "CompleteMultipartUpload")).toBe(0);
    expect(await unfinishedUploads(server(), s3)).toEqual([]);
    expect(await s3.exists("new/file")).toBe(false);
    s3.close();
  });

  it("the check itself sees an unfinished upload under the root", async () => {
    const s3 = storage();
    const key = `${s3.prefix}/left`;
    const { UploadId } = await s3.client.send(new CreateMultipartUploadCommand({ Bucket: s3.bucket, Key: key }));
    expect(await unfinishedUploads(server(), s3)).toEqual([key]);
    await s3.client.send(new AbortMultipartUploadCommand({ Bucket: s3.bucket, Key: key, UploadId }));
    expect(await unfinishedUploads(server(), s3)).toEqual([]);
    s3.close();
  });

  it("sends nothing for an already-aborted signal", async () => {
    const s3 = storage();
    const sent = recordCommands(s3.client);
    const error = await failureOf(s3.write("f", "x", { signal: AbortSignal.abort() }));
    expect(isStowageError(error, "E_ABORTED")).toBe(true);
    const readError = await failureOf(s3.read("f", { signal: AbortSignal.abort() }));
    expect(isStowageError(readError, "E_ABORTED")).toBe(true);
    expect(sent).toEqual([]);
    s3.close();
  });
});
