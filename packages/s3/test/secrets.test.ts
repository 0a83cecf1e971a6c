import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isStowageError } from "@stowage/core";
import { startRejectingS3Endpoint, type RejectingS3Endpoint } from "@stowage/testkit/s3";
import { S3Storage } from "../src/index.js";

const SECRET = "Pl4nted-SecretAccessKey-0123456789";
const TOKEN = "Pl4nted-SessionToken-abcdefghijklmnop";

let endpoint: RejectingS3Endpoint;
beforeAll(async () => {
  endpoint = await startRejectingS3Endpoint();
});
afterAll(() => endpoint?.close());

describe("S3 errors never show credentials", () => {
  it("a rejected signature's error, causes included, holds neither the secret key nor the session token", async () => {
    const storage = new S3Storage({
      bucket: "b",
      clientConfig: {
        endpoint: endpoint.endpoint,
        region: "us-east-1",
        forcePathStyle: true,
        maxAttempts: 1,
        credentials: { accessKeyId: "AKIDPLANTED", secretAccessKey: SECRET, sessionToken: TOKEN },
      },
    });
    let echoed = 0;
    try {
      for (const call of [() => storage.list(""), () => storage.exists("k"), () => storage.write("k", "v")]) {
        const error = await call().then(
          () => "resolved",
          (reason: unknown) => reason,
        );
        expect(isStowageError(error), String(error)).toBe(true);
        const cause = (error as Error).cause as Record<string, unknown>;
        // HEAD replies have no body: only the listing's error carries the echoed request (masked
        // by the SDK's path; never copied by the lean transport's).
        if (cause.name === "SignatureDoesNotMatch") {
          echoed++;
          expect(cause.CanonicalRequest ?? "***").toBe("***");
        }
        else expect(cause.$metadata).toMatchObject({ httpStatusCode: 403 });
        const printed = `${inspect(error, { depth: Infinity, showHidden: true })}\n${inspect(error)}\n${String(error)}`;
        expect(printed).not.toContain(SECRET);
        expect(printed).not.toContain(TOKEN);
      }
      expect(echoed).toBeGreaterThan(0);
    } finally {
      storage.close();
    }
  });
});
