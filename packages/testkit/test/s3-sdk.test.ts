/**
 * The AWS SDK as stowage uses it, through the signature-checking server with temporary
 * credentials: buffered and streamed PutObject (the latter aws-chunked with a CRC32 trailer),
 * multipart uploads of a stream, DeleteObjects, and presigned URLs. A client with another token or
 * a skewed clock is refused.
 */
import { Readable } from "node:stream";
import { DeleteObjectsCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startS3Server, type S3TestServer } from "../src/s3.js";

const TEMPORARY = { accessKeyId: "ASIASDK", secretAccessKey: "sdk-secret", sessionToken: "sdk/session+token==" };

let server: S3TestServer;
let client: S3Client;
beforeAll(async () => {
  server = await startS3Server({ accounts: [TEMPORARY] });
  client = new S3Client(server.clientConfig);
});
afterAll(async () => {
  client.destroy();
  await server.stop();
});

const text = async (key: string) => (await client.send(new GetObjectCommand({ Bucket: server.bucket, Key: key }))).Body?.transformToString();

describe("the SDK through the checking server, with a session token", () => {
  it("PutObject of a buffer and of a stream (aws-chunked, CRC32 trailer), read back", async () => {
    await client.send(new PutObjectCommand({ Bucket: server.bucket, Key: "buffer", Body: "from a buffer" }));
    const stream = Readable.from([Buffer.from("from "), Buffer.from("a stream")]);
    await client.send(new PutObjectCommand({ Bucket: server.bucket, Key: "stream", Body: stream, ContentLength: 13 }));
    expect([await text("buffer"), await text("stream")]).toEqual(["from a buffer", "from a stream"]);
  });

  it("a multipart upload of a stream, parts checked, then DeleteObjects", async () => {
    const part = 5 * 1024 * 1024;
    const body = Readable.from([Buffer.alloc(part, 1), Buffer.alloc(1000, 2)]);
    await new Upload({ client, params: { Bucket: server.bucket, Key: "multi", Body: body }, partSize: part }).done();
    expect((await client.send(new HeadObjectCommand({ Bucket: server.bucket, Key: "multi" }))).ContentLength).toBe(part + 1000);
    const deleted = await client.send(new DeleteObjectsCommand({ Bucket: server.bucket, Delete: { Objects: [{ Key: "multi" }, { Key: "buffer" }] } }));
    expect(deleted.Errors ?? []).toEqual([]);
  });

  it("presigned GET and PUT URLs work with fetch; an expired one does not", async () => {
    const put = await getSignedUrl(client, new PutObjectCommand({ Bucket: server.bucket, Key: "presigned" }), { expiresIn: 60 });
    expect((await fetch(put, { method: "PUT", body: "sent by fetch" })).status).toBe(200);
    const get = await getSignedUrl(client, new GetObjectCommand({ Bucket: server.bucket, Key: "presigned" }), { expiresIn: 60 });
    expect(await (await fetch(get)).text()).toBe("sent by fetch");
    const old = await getSignedUrl(client, new GetObjectCommand({ Bucket: server.bucket, Key: "presigned" }), { expiresIn: 1, signingDate: new Date(Date.now() - 60_000) });
    expect((await fetch(old)).status).toBe(403);
  });

  it("another token, no token or a clock 20 minutes off: refused with S3's codes", async () => {
    const refusal = async (config: ConstructorParameters<typeof S3Client>[0]) => {
      const other = new S3Client({ ...config, maxAttempts: 1 });
      try {
        await other.send(new GetObjectCommand({ Bucket: server.bucket, Key: "stream" }));
        return "accepted";
      } catch (error) {
        return (error as { name: string }).name;
      } finally {
        other.destroy();
      }
    };
    expect(await refusal({ ...server.clientConfig, credentials: { ...TEMPORARY, sessionToken: "other" } })).toBe("InvalidToken");
    expect(await refusal({ ...server.clientConfig, credentials: { accessKeyId: TEMPORARY.accessKeyId, secretAccessKey: TEMPORARY.secretAccessKey } })).toBe("InvalidAccessKeyId");
    expect(await refusal({ ...server.clientConfig, systemClockOffset: -20 * 60_000 })).toBe("RequestTimeTooSkewed");
  });
});
