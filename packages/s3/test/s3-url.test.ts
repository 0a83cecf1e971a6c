import { collectBytes, isStowageError } from "@stowage/core";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createStorageFromUrl, S3Storage } from "../src/index.js";
import { PART, useS3Server } from "./s3-fixture.js";

const { server, storage } = useS3Server();

/** The error `open` throws, or a failure when it throws none. */
function failureOf(open: () => unknown): unknown {
  try {
    open();
  } catch (error) {
    return error;
  }
  return expect.fail("expected an error");
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("createStorageFromUrl", () => {
  it("reads bucket, prefix and client settings from an s3: URL; credentials come from the environment", async () => {
    // The test server takes any credentials: these only have to reach it through the SDK's chain.
    vi.stubEnv("AWS_ACCESS_KEY_ID", "from-env");
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", "from-env-secret");
    const endpoint = encodeURIComponent(server().endpoint);
    const url = new URL(`s3://${server().bucket}/caf%C3%A9/root/?endpoint=${endpoint}&region=eu-west-3&forcePathStyle=1&partSize=${PART}`);
    const opened = createStorageFromUrl(url);
    expect(opened).toBeInstanceOf(S3Storage);
    expect([opened.bucket, opened.prefix]).toEqual([server().bucket, "café/root"]);
    expect(await opened.client.config.region()).toBe("eu-west-3");
    expect(opened.client.config.forcePathStyle).toBe(true);
    expect((await opened.client.config.credentials()).accessKeyId).toBe("from-env");
    // A multipart upload with 5 MiB parts (the default 8 MiB would make this one PutObject).
    await opened.write("f", Buffer.alloc(PART + 1, 7));
    const viaFixture = storage({ prefix: "café/root" });
    expect((await collectBytes(await viaFixture.read("f"))).byteLength).toBe(PART + 1);
    await opened.delete("f");
    opened.close();
  });

  it("takes the bucket root when the URL has no path, and the SDK's defaults when it has no parameters", () => {
    const opened = createStorageFromUrl(new URL("s3://my-bucket"));
    expect([opened.bucket, opened.prefix]).toEqual(["my-bucket", ""]);
    expect(opened.client.config.forcePathStyle).toBe(false);
    expect(opened.transport).toBe("lean");
    opened.close();
    const sdk = createStorageFromUrl(new URL("s3://my-bucket?transport=sdk"));
    expect(sdk.transport).toBe("sdk");
    sdk.close();
  });

  it.each([
    ["a parameter it does not take", "s3://b/p?chunkSize=4", "chunkSize"],
    ["a malformed partSize", "s3://b/p?partSize=-1", "partSize"],
    ["a malformed forcePathStyle", "s3://b/p?forcePathStyle=yes", "forcePathStyle"],
    ["a partSize under S3's 5 MiB minimum", "s3://b/p?partSize=1024", "partSize"],
    ["no bucket", "s3:///prefix", "bucket"],
    ["an unknown transport", "s3://b/p?transport=fast", "transport"],
    ["an unknown encryption", "s3://b/p?sse=AES128", "serverSideEncryption"],
    ["a KMS key without aws:kms", "s3://b/p?sse=AES256&sseKmsKeyId=k", "sseKmsKeyId"],
    ["a malformed storage class", "s3://b/p?storageClass=cheap", "storageClass"],
    ["a bad percent-encoding", "s3://b/x%zz", "prefix"],
    ["another scheme", "file:///tmp/x", "url"],
  ])("rejects %s with InvalidOptionsError naming it", (_, text, option) => {
    const error = failureOf(() => createStorageFromUrl(new URL(text)));
    expect(isStowageError(error, "E_INVALID_OPTIONS"), String(error)).toBe(true);
    expect((error as { option?: unknown }).option).toBe(option);
  });

  it("refuses credentials in the URL without showing them", () => {
    const error = failureOf(() => createStorageFromUrl(new URL("s3://AKIDEXAMPLE:wJalrXUtnFEMI@bucket/p")));
    expect(isStowageError(error, "E_INVALID_OPTIONS")).toBe(true);
    expect((error as { option?: unknown }).option).toBe("credentials");
    const shown = `${String(error)} ${JSON.stringify(error)} ${String((error as { value?: unknown }).value)}`;
    expect(shown).not.toMatch(/wJalrXUtnFEMI|AKIDEXAMPLE/);
  });
});
