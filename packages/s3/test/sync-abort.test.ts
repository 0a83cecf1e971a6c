import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isStowageError, syncStorages } from "@stowage/core";
import { LocalFileSystemBackend } from "@stowage/local";
import { describe, expect, it } from "vitest";
import { PART, countOf, recordCommands, unfinishedUploads, useS3Server } from "./s3-fixture.js";

const { server, storage } = useS3Server();

/** Settles with `action`'s outcome (its error, or "resolved"), or rejects after `ms`: no test waits for ever. */
async function outcomeWithin(action: Promise<unknown>, ms: number): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still pending after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([action.then(() => "resolved", (error: unknown) => error), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

describe("a local → S3 sync aborted while files are in flight", () => {
  it("rejects with E_ABORTED and leaves no multipart upload and no partial object", async () => {
    const folder = await mkdtemp(join(tmpdir(), "stowage-sync-abort-"));
    try {
      const local = new LocalFileSystemBackend({ location: folder });
      // Two parts and a bit each: every file goes through a multipart upload.
      const files = ["big/a.bin", "big/b.bin"];
      for (const [i, path] of files.entries()) await local.write(path, Buffer.alloc(2 * PART + 1024, i + 1));
      const target = storage();
      const controller = new AbortController();
      // The abort comes as the first part is being sent: an upload is in flight, not finished.
      target.client.middlewareStack.add(
        (next, context) => async (args) => {
          if (context.commandName === "UploadPartCommand") controller.abort(new Error("stop"));
          return next(args);
        },
        { step: "finalizeRequest", name: "abortOnFirstPart" },
      );
      const sent = recordCommands(target.client);
      const outcome = await outcomeWithin(syncStorages(local, "", target, "", { signal: controller.signal }), 60_000);
      expect(isStowageError(outcome, "E_ABORTED"), String(outcome)).toBe(true);
      expect(countOf(sent, "CreateMultipartUpload")).toBeGreaterThan(0);
      expect(countOf(sent, "CompleteMultipartUpload")).toBe(0);
      expect(await unfinishedUploads(server(), target)).toEqual([]);
      for (const path of files) expect(await target.exists(path)).toBe(false);
      expect(await target.recursiveList("")).toEqual([]);
      target.close();
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
