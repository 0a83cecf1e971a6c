/**
 * The test S3 server against requests signed with `@smithy/signature-v4`: awkward keys, header
 * and presigned signatures, hashed and unsigned payloads, with and without a session token, all
 * accepted; then each thing AWS checks broken once, and refused with S3's status and code.
 */
import { createHash } from "node:crypto";
import { crc32 } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startS3Server, type S3TestAccount, type S3TestServer } from "../src/s3.js";
import { send, signed, type SignOptions, type Unsigned, type Wire } from "./s3-wire.js";

const KEYS = ["with space", "plus+sign", "per%cent", "double//slash", "unicode-é-中-🙂", "./dot/../segments", "a/./b/../c", "quote'(star)*!"];
const PLAIN: S3TestAccount = { accessKeyId: "AKIDMATRIX", secretAccessKey: "matrix/secret+key" };
const TEMPORARY: S3TestAccount = { accessKeyId: "ASIAMATRIX", secretAccessKey: "temporary-secret", sessionToken: "FwoGZXIvYXdzE//token+with/odd=chars" };

let server: S3TestServer;
beforeAll(async () => {
  server = await startS3Server({ accounts: [PLAIN, TEMPORARY], region: "us-east-1" });
});
afterAll(() => server.stop());

const put = (key: string, body: string, headers: Record<string, string> = {}): Unsigned => ({ method: "PUT", bucket: server.bucket, key, body, headers: { "content-type": "text/plain", ...headers } });
const get = (key: string): Unsigned => ({ method: "GET", bucket: server.bucket, key });
const go = async (unsigned: Unsigned, options: SignOptions) => send(server.endpoint, await signed(server.endpoint, unsigned, options));

describe("requests signed with @smithy/signature-v4 are accepted", () => {
  for (const account of [PLAIN, TEMPORARY]) {
    for (const payload of ["hashed", "unsigned"] as const) {
      it(`${account.sessionToken ? "with a session token" : "long-term key"}, ${payload} payload: PUT then GET (header and presigned) of every awkward key`, async () => {
        for (const key of KEYS) {
          const body = `${key} ${payload} ${account.accessKeyId}`;
          expect(await go(put(key, body), { account, payload }), key).toMatchObject({ status: 200 });
          expect(await go(get(key), { account, payload }), key).toMatchObject({ status: 200, body });
          expect(await go(get(key), { account, presign: 60 }), key).toMatchObject({ status: 200, body });
        }
      });
    }
  }

  it("a presigned PUT, and a header-signed PUT with Content-MD5 and x-amz-checksum-crc32", async () => {
    expect(await go(put("presigned put", "up"), { account: PLAIN, presign: 60 })).toMatchObject({ status: 200 });
    expect(await go(get("presigned put"), { account: PLAIN })).toMatchObject({ status: 200, body: "up" });
    const body = "checked";
    const headers = { "content-md5": md5(body), "x-amz-checksum-crc32": crc(body) };
    expect(await go(put("digests", body, headers), { account: PLAIN, payload: "unsigned" })).toMatchObject({ status: 200 });
  });

  it("an aws-chunked body with a CRC32 trailer (STREAMING-UNSIGNED-PAYLOAD-TRAILER, as the SDK streams)", async () => {
    const wire = await chunkedPut("chunked", ["hello ", "world"], crc("hello world"));
    expect(await send(server.endpoint, wire)).toMatchObject({ status: 200 });
    expect(await go(get("chunked"), { account: PLAIN })).toMatchObject({ status: 200, body: "hello world" });
  });
});

describe("what AWS refuses, the test server refuses", () => {
  const refused = async (wire: Wire | Promise<Wire>, status: number, code: string, message?: string) => {
    const answer = await send(server.endpoint, await wire);
    expect(answer).toMatchObject({ status, code });
    if (message !== undefined) expect(answer.body).toContain(message);
  };
  const sign = (unsigned: Unsigned, options: Partial<SignOptions> = {}) => signed(server.endpoint, unsigned, { account: PLAIN, ...options });

  it("a tampered signature, header or query: 403 SignatureDoesNotMatch, with the canonical request", async () => {
    const wire = await sign(get("with space"));
    const auth = wire.headers.authorization ?? "";
    await refused({ ...wire, headers: { ...wire.headers, authorization: auth.replace(/.$/, (c) => (c === "a" ? "b" : "a")) } }, 403, "SignatureDoesNotMatch", "<CanonicalRequest>GET\n/");
    const url = await sign(get("with space"), { presign: 60 });
    await refused({ ...url, url: url.url.replace(/X-Amz-Signature=(.)/, (_, c: string) => `X-Amz-Signature=${c === "0" ? "1" : "0"}`) }, 403, "SignatureDoesNotMatch");
  });

  it("a signed header changed after signing, or a query parameter added: 403 SignatureDoesNotMatch", async () => {
    const wire = await sign({ ...get("with space"), headers: { range: "bytes=0-1" } });
    await refused({ ...wire, headers: { ...wire.headers, range: "bytes=0-2" } }, 403, "SignatureDoesNotMatch");
    await refused({ ...wire, url: `${wire.url}?versionId=1` }, 403, "SignatureDoesNotMatch");
    await refused({ ...wire, url: wire.url.replace("with%20space", "with+space") }, 403, "SignatureDoesNotMatch");
  });

  it("an x-amz-* header left out of the signature: 403 AccessDenied (HeadersNotSigned)", async () => {
    const wire = await sign(put("meta", "m"));
    await refused({ ...wire, headers: { ...wire.headers, "x-amz-meta-sneaky": "1" } }, 403, "AccessDenied", "<HeadersNotSigned>x-amz-meta-sneaky");
  });

  it("the wrong secret: 403 SignatureDoesNotMatch; an unknown key: 403 InvalidAccessKeyId", async () => {
    await refused(sign(get("with space"), { account: { ...PLAIN, secretAccessKey: "not-the-secret" } }), 403, "SignatureDoesNotMatch");
    await refused(sign(get("with space"), { account: { accessKeyId: "AKIDNOBODY", secretAccessKey: "x" }, presign: 60 }), 403, "InvalidAccessKeyId");
  });

  it("session tokens: none where one is due is InvalidAccessKeyId, a wrong or unexpected one InvalidToken", async () => {
    await refused(sign(get("with space"), { account: { ...TEMPORARY, sessionToken: undefined } }), 403, "InvalidAccessKeyId");
    await refused(sign(get("with space"), { account: { ...TEMPORARY, sessionToken: "stolen" } }), 400, "InvalidToken");
    await refused(sign(get("with space"), { account: { ...TEMPORARY, sessionToken: "stolen" }, presign: 60 }), 400, "InvalidToken");
    await refused(sign(get("with space"), { account: { ...PLAIN, sessionToken: "unexpected" } }), 400, "InvalidToken");
  });

  it("time: an expired presigned URL is AccessDenied; a clock 16 minutes off is RequestTimeTooSkewed; 14 minutes is fine", async () => {
    const past = new Date(Date.now() - 120_000);
    await refused(sign(get("with space"), { presign: 60, signingDate: past }), 403, "AccessDenied", "Request has expired");
    expect((await send(server.endpoint, await sign(get("with space"), { presign: 600, signingDate: past }))).status).toBe(200);
    await refused(sign(get("with space"), { signingDate: new Date(Date.now() - 16 * 60_000) }), 403, "RequestTimeTooSkewed");
    await refused(sign(get("with space"), { signingDate: new Date(Date.now() + 16 * 60_000) }), 403, "RequestTimeTooSkewed");
    expect((await send(server.endpoint, await sign(get("with space"), { signingDate: new Date(Date.now() - 14 * 60_000) }))).status).toBe(200);
  });

  it("bodies: a wrong Content-MD5 is 400 BadDigest, a malformed one InvalidDigest, a body unlike its signed SHA-256 XAmzContentSHA256Mismatch", async () => {
    await refused(sign(put("md5", "body", { "content-md5": md5("other") })), 400, "BadDigest");
    await refused(sign(put("md5", "body", { "content-md5": "short" })), 400, "InvalidDigest");
    const wire = await sign(put("sha", "body"), { payload: "hashed" });
    await refused({ ...wire, body: "bodY" }, 400, "XAmzContentSHA256Mismatch");
    await refused(sign(put("crc", "body", { "x-amz-checksum-crc32": crc("other") }), { payload: "unsigned" }), 400, "BadDigest", "CRC32");
  });

  it("aws-chunked bodies: a wrong trailer checksum, a wrong decoded length or broken framing", async () => {
    await refused(chunkedPut("c1", ["hello"], crc("hellO")), 400, "BadDigest");
    await refused(chunkedPut("c2", ["hello"], crc("hello"), 4), 400, "IncompleteBody");
    const wire = await chunkedPut("c3", ["hello"], crc("hello"));
    await refused({ ...wire, body: String(wire.body).replace("5\r\n", "6\r\n") }, 400, "IncompleteBody");
  });

  it("a signature for another region than the server's: 400 AuthorizationHeaderMalformed", async () => {
    await refused(sign(get("with space"), { region: "eu-west-3" }), 400, "AuthorizationHeaderMalformed", "eu-west-3");
  });

  it("no signature at all: 403 AccessDenied", async () => {
    await refused({ method: "GET", url: `/${server.bucket}/with%20space`, headers: {} }, 403, "AccessDenied");
  });
});

/** A PUT whose body is aws-chunked from `parts`, with a CRC32 trailer, headers signed by the SDK's signer. */
async function chunkedPut(key: string, parts: string[], trailerCrc: string, decodedLength?: number): Promise<Wire> {
  const payload = parts.join("");
  const body = `${parts.map((part) => `${Buffer.byteLength(part).toString(16)}\r\n${part}\r\n`).join("")}0\r\nx-amz-checksum-crc32:${trailerCrc}\r\n\r\n`;
  const headers = {
    "content-encoding": "aws-chunked",
    "x-amz-content-sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
    "x-amz-decoded-content-length": String(decodedLength ?? Buffer.byteLength(payload)),
    "x-amz-trailer": "x-amz-checksum-crc32",
    "x-amz-sdk-checksum-algorithm": "CRC32",
  };
  return signed(server.endpoint, { method: "PUT", bucket: server.bucket, key, body, headers }, { account: PLAIN });
}

function md5(text: string): string {
  return createHash("md5").update(text).digest("base64");
}

function crc(text: string): string {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(crc32(text) >>> 0);
  return bytes.toString("base64");
}
