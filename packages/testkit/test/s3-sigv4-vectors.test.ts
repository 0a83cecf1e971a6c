/**
 * The test S3 server against AWS's published S3 SigV4 examples ("Examples of the Complete Version 4
 * Signing Process" for S3: "Signature Calculations for the Authorization Header: Transferring
 * Payload in a Single Chunk", "... in Multiple Chunks (Chunked Upload)" and "Authenticating
 * Requests: Using Query Parameters"), sent byte for byte as AWS prints them, with the server's
 * clock at the examples' time.
 */
import { S3Client, PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startS3Server, type S3TestServer } from "../src/s3.js";
import { send, type Wire } from "./s3-wire.js";

const AKID = "AKIAIOSFODNN7EXAMPLE";
const SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const SIGNED_AT = Date.UTC(2013, 4, 24);
const HOST = "examplebucket.s3.amazonaws.com";
const EMPTY = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
const auth = (signedHeaders: string, signature: string): string =>
  `AWS4-HMAC-SHA256 Credential=${AKID}/20130524/us-east-1/s3/aws4_request,SignedHeaders=${signedHeaders},Signature=${signature}`;

let now = SIGNED_AT;
let server: S3TestServer;

beforeAll(async () => {
  server = await startS3Server({ bucket: "examplebucket", accounts: [{ accessKeyId: AKID, secretAccessKey: SECRET }], region: "us-east-1", clock: () => now });
  server.createBucket("s3"); // the chunked example is path-style on s3.amazonaws.com, which fauxqs reads as bucket "s3"
  // The object the GET example reads, written by the SDK with its clock set to the example's day.
  const client = new S3Client({ ...server.clientConfig, systemClockOffset: SIGNED_AT - Date.now() });
  await client.send(new PutObjectCommand({ Bucket: "examplebucket", Key: "test.txt", Body: "0123456789abcdef" }));
  client.destroy();
});
afterAll(() => server.stop());

const getObject: Wire = {
  method: "GET",
  url: "/test.txt",
  headers: {
    host: HOST,
    range: "bytes=0-9",
    "x-amz-content-sha256": EMPTY,
    "x-amz-date": "20130524T000000Z",
    authorization: auth("host;range;x-amz-content-sha256;x-amz-date", "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"),
  },
};

const putObject: Wire = {
  method: "PUT",
  url: "/test%24file.text",
  headers: {
    host: HOST,
    date: "Fri, 24 May 2013 00:00:00 GMT",
    "x-amz-date": "20130524T000000Z",
    "x-amz-storage-class": "REDUCED_REDUNDANCY",
    "x-amz-content-sha256": "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072",
    authorization: auth("date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class", "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd"),
  },
  body: "Welcome to Amazon S3.",
};

const getLifecycle: Wire = {
  method: "GET",
  url: "/?lifecycle",
  headers: {
    host: HOST,
    "x-amz-content-sha256": EMPTY,
    "x-amz-date": "20130524T000000Z",
    authorization: auth("host;x-amz-content-sha256;x-amz-date", "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543"),
  },
};

const listObjects: Wire = {
  method: "GET",
  url: "/?max-keys=2&prefix=J",
  headers: {
    host: HOST,
    "x-amz-content-sha256": EMPTY,
    "x-amz-date": "20130524T000000Z",
    authorization: auth("host;x-amz-content-sha256;x-amz-date", "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"),
  },
};

const presigned: Wire = {
  method: "GET",
  url:
    "/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request" +
    "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host" +
    "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404",
  headers: { host: HOST },
};

const chunk = (size: number, signature: string, fill: string): string => `${size.toString(16)};chunk-signature=${signature}\r\n${fill.repeat(size)}\r\n`;
const chunkedBody =
  chunk(65536, "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648", "a") +
  chunk(1024, "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497", "a") +
  "0;chunk-signature=b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9\r\n\r\n";
const chunkedPut: Wire = {
  method: "PUT",
  url: "/examplebucket/chunkObject.txt",
  headers: {
    host: "s3.amazonaws.com",
    "x-amz-date": "20130524T000000Z",
    "x-amz-storage-class": "REDUCED_REDUNDANCY",
    "x-amz-content-sha256": "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
    "content-encoding": "aws-chunked",
    "x-amz-decoded-content-length": "66560",
    "content-length": "66824",
    authorization: auth(
      "content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class",
      "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9",
    ),
  },
  body: chunkedBody,
};

/** `wire` with one character of its signature changed. */
function tampered(wire: Wire): Wire {
  const flip = (text: string) => text.replace(/.$/, (last) => (last === "0" ? "1" : "0"));
  return wire.headers.authorization === undefined ? { ...wire, url: flip(wire.url) } : { ...wire, headers: { ...wire.headers, authorization: flip(wire.headers.authorization) } };
}

describe("AWS's S3 SigV4 examples", () => {
  it("GET Object with a range: accepted, and the range answered", async () => {
    const answer = await send(server.endpoint, getObject);
    expect(answer).toMatchObject({ status: 206, body: "0123456789" });
    expect(await send(server.endpoint, tampered(getObject))).toMatchObject({ status: 403, code: "SignatureDoesNotMatch" });
  });

  it("PUT Object, with Date signed and `$` in the key: accepted and stored; the same key sent unencoded canonicalises alike", async () => {
    expect((await send(server.endpoint, putObject)).status).toBe(200);
    expect((await send(server.endpoint, { ...putObject, url: "/test$file.text" })).status).toBe(200);
    expect(await send(server.endpoint, tampered(putObject))).toMatchObject({ status: 403, code: "SignatureDoesNotMatch" });
    expect(await send(server.endpoint, { ...putObject, body: "Welcome to Amazon S3!" })).toMatchObject({ status: 400, code: "XAmzContentSHA256Mismatch" });
  });

  it("GET Bucket lifecycle and list objects: the signature holds (403 only once tampered)", async () => {
    for (const wire of [getLifecycle, listObjects]) {
      expect((await send(server.endpoint, wire)).status).not.toBe(403);
      expect(await send(server.endpoint, tampered(wire))).toMatchObject({ status: 403, code: "SignatureDoesNotMatch" });
    }
    expect((await send(server.endpoint, listObjects)).status).toBe(200);
  });

  it("a presigned URL: accepted until it expires, then 403 AccessDenied 'Request has expired'", async () => {
    expect(await send(server.endpoint, presigned)).toMatchObject({ status: 200, body: "0123456789abcdef" });
    expect(await send(server.endpoint, tampered(presigned))).toMatchObject({ status: 403, code: "SignatureDoesNotMatch" });
    now = SIGNED_AT + 86_400_000 + 1000;
    try {
      const expired = await send(server.endpoint, presigned);
      expect(expired).toMatchObject({ status: 403, code: "AccessDenied" });
      expect(expired.body).toContain("Request has expired");
    } finally {
      now = SIGNED_AT;
    }
  });

  it("a chunked upload (STREAMING-AWS4-HMAC-SHA256-PAYLOAD): every chunk signature checked", async () => {
    expect((await send(server.endpoint, chunkedPut)).status).toBe(200);
    const badChunk = chunkedBody.replace("a\r\n400;", "b\r\n400;");
    expect(await send(server.endpoint, { ...chunkedPut, body: badChunk })).toMatchObject({ status: 403, code: "SignatureDoesNotMatch" });
    const lastSignatureWrong = chunkedBody.replace("449df9\r\n", "449df8\r\n");
    expect(await send(server.endpoint, { ...chunkedPut, body: lastSignatureWrong })).toMatchObject({ status: 403, code: "SignatureDoesNotMatch" });
  });

  it("the clock: a header signature more than 15 minutes away is 403 RequestTimeTooSkewed", async () => {
    now = SIGNED_AT + 15 * 60_000 + 1000;
    try {
      expect(await send(server.endpoint, getObject)).toMatchObject({ status: 403, code: "RequestTimeTooSkewed" });
    } finally {
      now = SIGNED_AT;
    }
    now = SIGNED_AT + 14 * 60_000;
    try {
      expect((await send(server.endpoint, getObject)).status).toBe(206);
    } finally {
      now = SIGNED_AT;
    }
  });
});
