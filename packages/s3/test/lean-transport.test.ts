import { connect, createServer, type Server, type Socket } from "node:net";
import { HeadObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { collectBytes } from "@stowage/core";
import { startS3Server } from "@stowage/testkit/s3";
import { describe, expect, it } from "vitest";
import { parseListPage } from "../src/lean-list.js";
import { encodeKeyPath } from "../src/lean-transport.js";
import { S3Storage } from "../src/index.js";
import { PART, chunks, commandOf, useS3Server } from "./s3-fixture.js";

const { server, storage } = useS3Server();

/** Wraps the client's request handler to see each request's method, path and headers as sent. */
function watchRequests(s3: S3Storage): Array<{ method: string; path: string; headers: Record<string, string>; name: string }> {
  const seen: Array<{ method: string; path: string; headers: Record<string, string>; name: string }> = [];
  const handler = s3.client.config.requestHandler as unknown as { handle(request: never, options?: unknown): Promise<unknown> };
  const handle = handler.handle.bind(handler);
  handler.handle = (request: never, options?: unknown) => {
    const wire = request as { method: string; path: string; headers: Record<string, string> };
    seen.push({ method: wire.method, path: wire.path, headers: { ...wire.headers }, name: commandOf(wire) });
    return handle(request, options);
  };
  return seen;
}

/** A TCP proxy in front of `endpoint` that counts the connections clients open through it. */
async function countingProxy(endpoint: string): Promise<{ endpoint: string; connections: () => number; close: () => Promise<void> }> {
  const target = new URL(endpoint);
  let count = 0;
  const sockets = new Set<Socket>();
  const proxy: Server = createServer((client) => {
    count++;
    const upstream = connect(Number(target.port), target.hostname);
    sockets.add(client).add(upstream);
    client.pipe(upstream).pipe(client);
    const drop = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on("error", drop).on("close", drop);
    upstream.on("error", drop).on("close", drop);
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  const address = proxy.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    connections: () => count,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        proxy.close(() => resolve());
      }),
  };
}

describe("the lean transport", () => {
  it("is the default for a storage that builds its client, and the SDK serves a client of yours or transport 'sdk'", () => {
    const lean = storage();
    const own = new S3Storage({ bucket: server().bucket, client: new S3Client(server().clientConfig) });
    const sdk = storage({ transport: "sdk" });
    const signer = storage({ clientConfig: { ...server().clientConfig, signer: { sign: async (request) => request } } });
    expect([lean.transport, own.transport, sdk.transport, signer.transport]).toEqual(["lean", "sdk", "sdk", "sdk"]);
    for (const s3 of [lean, own, sdk, signer]) s3.close();
    own.client.destroy();
  });

  it("sends HeadObject, GetObject, PutObject and ListObjectsV2 itself: the SDK's middleware sees none of them", async () => {
    const s3 = storage({ checkConflicts: false });
    const viaSdk: string[] = [];
    s3.client.middlewareStack.add((next, context) => async (args) => {
      viaSdk.push(context.commandName ?? "");
      return next(args);
    }, { step: "initialize", name: "spy" });
    const seen = watchRequests(s3);
    await s3.write("a.txt", "hello");
    await s3.stat("a.txt");
    expect((await collectBytes(await s3.read("a.txt"))).toString()).toBe("hello");
    expect(await s3.recursiveList("")).toEqual(["a.txt"]);
    expect(seen.map((request) => request.name)).toEqual(["PutObjectCommand", "HeadObjectCommand", "GetObjectCommand", "ListObjectsV2Command"]);
    expect(viaSdk).toEqual([]);
    s3.close();
  });

  it("round-trips keys with spaces, +, %, quotes, unicode and sub-delims, at the exact object key", async () => {
    const s3 = storage({ checkConflicts: false });
    const keys = ["a b.txt", "plus+sign", "100%/x", "q'uo(te)s!*", "é/ü/日本語", "tilde~and-dash_.", "amp&eq=semi;at@", "hash#?"];
    for (const key of keys) await s3.write(key, `content of ${key}`);
    for (const key of keys) {
      expect((await collectBytes(await s3.read(key))).toString()).toBe(`content of ${key}`);
      // The SDK, which encodes keys its own way, finds each object where the lean PUT put it.
      const head = await s3.client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: `${s3.prefix}/${key}` }));
      expect(head.ContentLength).toBe(Buffer.byteLength(`content of ${key}`));
    }
    expect(await s3.recursiveList("")).toEqual([...keys].sort());
    s3.close();
  });

  it("encodes key segments itself: ./ and ../ stay literal, never resolved as new URL() would", () => {
    expect(encodeKeyPath("a/./b/../c")).toBe("a/./b/../c");
    expect(encodeKeyPath("a//b")).toBe("a//b");
    expect(encodeKeyPath("sp ace/plus+/pct%/q?#")).toBe("sp%20ace/plus%2B/pct%25/q%3F%23");
    expect(encodeKeyPath("(x)!*'")).toBe("%28x%29%21%2A%27");
    expect(encodeKeyPath("é")).toBe("%C3%A9");
  });

  it("asks a refreshing credentials provider, and signs with the session token it returns (the server checks each token)", async () => {
    // Temporary credentials as STS hands them out: a new key, secret and token each time.
    const accounts = Array.from({ length: 8 }, (_, i) => ({ accessKeyId: `temp-${i + 1}`, secretAccessKey: `secret-${i + 1}`, sessionToken: `token-${i + 1}` }));
    const own = await startS3Server({ accounts });
    let calls = 0;
    const s3 = new S3Storage({
      bucket: own.bucket,
      checkConflicts: false,
      clientConfig: {
        ...own.clientConfig,
        credentials: async () => {
          const account = accounts[calls++ % accounts.length]!;
          // Expires at once, so the SDK's cache asks again for the next request.
          return { ...account, expiration: new Date(Date.now() + 1000) };
        },
      },
    });
    try {
      const seen = watchRequests(s3);
      await s3.write("k", "v");
      await s3.stat("k");
      expect(calls).toBeGreaterThanOrEqual(2);
      expect(seen.map((request) => request.headers["x-amz-security-token"])).toEqual([expect.stringMatching(/^token-\d+$/), expect.stringMatching(/^token-\d+$/)]);
      expect(seen[0]?.headers.authorization).toContain("x-amz-security-token");
      expect(seen[0]?.headers["x-amz-security-token"]).not.toBe(seen[1]?.headers["x-amz-security-token"]);
    } finally {
      s3.close();
      await own.stop();
    }
  });

  it("signs at the client's corrected clock: the x-amz-date sent is the one signed, and a skew past 15 minutes is corrected and retried", async () => {
    const s3 = storage({ checkConflicts: false });
    try {
      const seen = watchRequests(s3);
      const config = s3.client.config as unknown as { systemClockOffset: number };
      // Ten minutes behind: S3 accepts it, if the signature covers the time that was sent.
      config.systemClockOffset = -600_000;
      await s3.write("clock", "v");
      expect((await s3.stat("clock")).size).toBe(1);
      const sent = seen.map((request) => Date.parse(request.headers["x-amz-date"]!.replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, "$1-$2-$3T$4:$5:$6Z")));
      for (const time of sent) expect(Math.abs(time - (Date.now() - 600_000))).toBeLessThan(30_000);
      // Twenty minutes behind: RequestTimeTooSkewed, then the offset moves to the server's Date and the retry passes.
      config.systemClockOffset = -1_200_000;
      expect((await s3.stat("clock")).size).toBe(1);
      expect(Math.abs(config.systemClockOffset)).toBeLessThan(30_000);
    } finally {
      s3.close();
    }
  });

  it("storage class and server-side encryption (SSE-KMS with a key id) go on every write, on both transports, and on copies", async () => {
    for (const transport of ["lean", "sdk"] as const) {
      const s3 = storage({ checkConflicts: false, transport, partSize: PART, storageClass: "STANDARD_IA", serverSideEncryption: "aws:kms", sseKmsKeyId: "arn:aws:kms:us-east-1:111122223333:key/test-key" });
      const seen = watchRequests(s3);
      await s3.write("small", "x");
      await s3.write("big", chunks(PART / (1024 * 1024) + 1, 1024 * 1024));
      await s3.atomicMove("small", "moved");
      const writes = seen.filter((request) => /^(PutObject|CreateMultipartUpload|CopyObject)Command$/.test(request.name));
      expect(writes.map((request) => request.name).sort()).toEqual(["CopyObjectCommand", "CreateMultipartUploadCommand", "PutObjectCommand"]);
      for (const request of writes) {
        expect([request.headers["x-amz-storage-class"], request.headers["x-amz-server-side-encryption"], request.headers["x-amz-server-side-encryption-aws-kms-key-id"]]).toEqual([
          "STANDARD_IA",
          "aws:kms",
          "arn:aws:kms:us-east-1:111122223333:key/test-key",
        ]);
      }
      s3.close();
    }
    expect(() => storage({ serverSideEncryption: "AES128" as never })).toThrow(expect.objectContaining({ code: "E_INVALID_OPTIONS" }));
    expect(() => storage({ sseKmsKeyId: "k" })).toThrow(expect.objectContaining({ code: "E_INVALID_OPTIONS" }));
    expect(() => storage({ storageClass: "cheap please" })).toThrow(expect.objectContaining({ code: "E_INVALID_OPTIONS" }));
  });

  it("a single PutObject carries Content-MD5 and mtime metadata, on both transports", async () => {
    for (const transport of ["lean", "sdk"] as const) {
      const s3 = storage({ checkConflicts: false, transport });
      const seen = watchRequests(s3);
      await s3.write("m", "hello", { mtime: new Date(1_700_000_000_123) });
      const put = seen.find((request) => request.name === "PutObjectCommand");
      expect(put?.headers["content-md5"]).toBe("XUFAKrxLKna5cZ2REBfFkg==");
      expect(put?.headers["x-amz-meta-mtime"]).toBe("1700000000.123");
      s3.close();
    }
  });

  it("one multipart upload reuses its keep-alive connections (no new connection per Expect: 100-continue part)", async () => {
    const proxy = await countingProxy(server().endpoint);
    try {
      const s3 = storage({ clientConfig: { ...server().clientConfig, endpoint: proxy.endpoint }, queueSize: 1 });
      await s3.write("warm", "x");
      const before = proxy.connections();
      await s3.write("big", chunks(4 * 5 + 1, 1024 * 1024)); // 21 MiB: 5 parts of 5 MiB (PART)
      expect(PART).toBe(5 * 1024 * 1024);
      expect((await s3.stat("big")).size).toBe(21 * 1024 * 1024);
      // One part in flight at a time: the parts, the create and the complete share one connection.
      expect(proxy.connections() - before).toBeLessThanOrEqual(1);
      await s3.delete("big");
      s3.close();
    } finally {
      await proxy.close();
    }
  });

  it("parses listing pages: entities decoded, url-encoded keys decoded only when the reply says so, spaces kept, a cut-off reply refused", () => {
    const page = (body: string) => `<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${body}</ListBucketResult>\n`;
    const raw = parseListPage(
      page(
        "<Name>b</Name><IsTruncated>true</IsTruncated><NextContinuationToken>t1</NextContinuationToken>" +
          "<Contents><Key> a &amp; b.txt </Key><LastModified>2026-01-02T03:04:05.000Z</LastModified><ETag>&quot;0123456789abcdef0123456789abcdef&quot;</ETag><Size>12</Size></Contents>" +
          "<Contents><Key>x%2By+z</Key><Size>0</Size></Contents><CommonPrefixes><Prefix>d&lt;1&gt;/</Prefix></CommonPrefixes>",
      ),
    );
    expect(raw.Contents?.map((object) => [object.Key, object.Size, object.ETag])).toEqual([
      [" a & b.txt ", 12, '"0123456789abcdef0123456789abcdef"'],
      ["x%2By+z", 0, undefined],
    ]);
    expect(raw.Contents?.[0]?.LastModified).toEqual(new Date("2026-01-02T03:04:05.000Z"));
    expect([raw.IsTruncated, raw.NextContinuationToken, raw.CommonPrefixes]).toEqual([true, "t1", [{ Prefix: "d<1>/" }]]);
    const encoded = parseListPage(
      page("<EncodingType>url</EncodingType><IsTruncated>false</IsTruncated><Contents><Key>x%2By+z%C3%A9%0A</Key><Size>1</Size></Contents><CommonPrefixes><Prefix>a%20b/</Prefix></CommonPrefixes>"),
    );
    expect(encoded.Contents?.[0]?.Key).toBe("x+y zé\n");
    expect(encoded.CommonPrefixes).toEqual([{ Prefix: "a b/" }]);
    expect(encoded.IsTruncated).toBe(false);
    const whole = page("<IsTruncated>false</IsTruncated><Contents><Key>a</Key><Size>1</Size></Contents>");
    expect(() => parseListPage(whole.slice(0, whole.length / 2))).toThrow(/not a whole/);
    expect(() => parseListPage(page("<Contents><Key>a</Key></Contents>"))).toThrow(/IsTruncated/);
  });
});
