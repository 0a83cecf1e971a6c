/**
 * An S3-compatible server for tests and benchmarks: fauxqs, started in this process on an ephemeral
 * port of 127.0.0.1. It keeps everything in memory and rejects request bodies over 11 MiB (HTTP 413),
 * so keep multipart parts at 8 MiB or less and delete big objects once measured. It has no
 * ListMultipartUploads, ListParts or UploadPartCopy; {@link S3TestServer.pendingMultipartUploads}
 * reads its state directly instead. The harness adds ListMultipartUploads (unpaged), UploadPartCopy
 * and conditional writes.
 */
import { randomBytes } from "node:crypto";
import type { S3ClientConfig } from "@aws-sdk/client-s3";
import { buildApp, type BuildAppOptions } from "fauxqs";
import { s3ErrorXml, xmlText } from "./s3-errors.js";
import { TEST_ACCOUNTS, type S3TestServerOptions } from "./s3-options.js";
import { verifyRequests } from "./s3-verify.js";

export { MAX_CLOCK_SKEW_MS, verifySignature, type S3TestAccount, type SignatureContext, type SignedRequest, type VerifiedSignature } from "./s3-sigv4.js";
export type { S3Rejection } from "./s3-errors.js";
export { TEST_ACCOUNTS, type S3TestServerOptions } from "./s3-options.js";
export { startRejectingS3Endpoint, type RejectingS3Endpoint } from "./s3-rejecting.js";
export { faultyClientConfig, randomFaults, type Fault, type FaultPlan, type FaultRequest, type FaultyClient } from "./s3-faults.js";

/** A running test S3 server with one bucket created for the caller. */
export interface S3TestServer {
  /** Base URL of the server, `http://127.0.0.1:<port>`. */
  endpoint: string;
  /** The bucket created at start. */
  bucket: string;
  /** Everything an `S3Client` needs to talk to this server (path-style, the first account's credentials). */
  clientConfig: S3ClientConfig;
  /** Creates one more empty bucket and returns its name. */
  createBucket(name?: string): string;
  /** Keys of the multipart uploads started in `bucket` and neither completed nor aborted. */
  pendingMultipartUploads(bucket?: string): string[];
  /**
   * Starts a multipart upload of `key` with one part and leaves it pending, as a writer killed
   * mid-upload does. Returns its upload id.
   */
  leaveMultipartUpload(key: string, bucket?: string): string;
  /**
   * The requests the server has answered since it started (or since the last call with
   * `clear`): method and URL (path and query), in arrival order. What a test counts to prove a
   * client sent one request where it could have sent many.
   */
  requests(clear?: boolean): Array<{ method: string; url: string }>;
  /** Stops the server; every bucket and object is gone. */
  stop(): Promise<void>;
}

/** The part of fauxqs' in-memory S3 state the harness uses. */
interface FauxS3Store {
  createBucket(name: string): void;
  getObject(bucket: string, key: string): { body: Buffer; etag: string };
  /** Throws when the object (or bucket) does not exist. */
  headObject(bucket: string, key: string): { etag: string };
  uploadPart(uploadId: string, partNumber: number, body: Buffer): string;
  createMultipartUpload(bucket: string, key: string): string;
  multipartUploads: Map<string, { bucket: string; key: string; initiated?: Date }>;
  buckets: Map<string, Map<string, FauxObject>>;
  listObjects(bucket: string, options?: FauxListOptions): FauxListing;
}

/** An object as fauxqs keeps it (only the key matters to the harness). */
interface FauxObject {
  key: string;
}

/** What fauxqs' ListObjects handlers ask their store for. */
interface FauxListOptions {
  prefix?: string;
  delimiter?: string;
  maxKeys?: number;
  startAfter?: string;
  marker?: string;
}

/** One page, as fauxqs' handlers expect it. */
interface FauxListing {
  objects: FauxObject[];
  commonPrefixes: string[];
  isTruncated: boolean;
}

/**
 * Starts fauxqs on `127.0.0.1` with an ephemeral port and creates a bucket. Requests are checked
 * as AWS checks them (SigV4 in headers or presigned URLs against the known accounts, session
 * token, clock skew, presigned expiry, unsigned `x-amz-*` headers, body SHA-256, `Content-MD5`,
 * CRC32/SHA-1/SHA-256 checksums, aws-chunked framing and chunk signatures) and refused with S3's
 * status and XML error. `forcePathStyle` is required because the host name is an IP address.
 */
export async function startS3Server(options: S3TestServerOptions = {}): Promise<S3TestServer> {
  const stores = await createStores();
  // buildApp rather than startFauxqs: the latter listens on 0.0.0.0, and tests stay on loopback.
  const app = buildApp({ logger: false, stores: stores as unknown as NonNullable<BuildAppOptions["stores"]> });
  addUploadPartCopy(app, stores.s3Store);
  addListMultipartUploads(app, stores.s3Store);
  addConditionalWrites(app, stores.s3Store);
  normaliseCompleteMultipartUpload(app);
  listInByteOrder(stores.s3Store);
  let seen: Array<{ method: string; url: string }> = [];
  app.addHook("onRequest", async (request) => {
    seen.push({ method: request.method, url: request.url });
  });
  const accounts = options.accounts ?? TEST_ACCOUNTS;
  if (options.verify !== false) {
    verifyRequests(app, { accounts: new Map(accounts.map((account) => [account.accessKeyId, account])), region: options.region, now: options.clock ?? Date.now });
  }
  await app.listen({ port: 0, host: "127.0.0.1" });
  const address = app.server.address();
  if (address === null || typeof address === "string") throw new Error("fauxqs did not bind a TCP port");
  const endpoint = `http://127.0.0.1:${address.port}`;
  const s3 = stores.s3Store;
  const createBucket = (name = `stowage-test-${randomBytes(4).toString("hex")}`): string => {
    s3.createBucket(name);
    return name;
  };
  const bucket = createBucket(options.bucket);
  return {
    endpoint,
    bucket,
    clientConfig: clientConfigFor(endpoint, options),
    createBucket,
    pendingMultipartUploads: (name = bucket) =>
      [...s3.multipartUploads.values()].filter((upload) => upload.bucket === name).map((upload) => upload.key),
    leaveMultipartUpload: (key, name = bucket) => {
      const uploadId = s3.createMultipartUpload(name, key);
      s3.uploadPart(uploadId, 1, Buffer.from("a part of a write that never finished"));
      return uploadId;
    },
    requests: (clear = false) => {
      const answered = seen;
      if (clear) seen = [];
      return answered;
    },
    stop: () => app.close(),
  };
}

/**
 * fauxqs lacks UploadPartCopy (it would store an empty part), which multipart copies of objects
 * over 5 GiB need: the harness answers it from the same in-memory store, honouring
 * `x-amz-copy-source-range` and `x-amz-copy-source-if-match` as S3 does.
 */
function addUploadPartCopy(app: ReturnType<typeof buildApp>, store: FauxS3Store): void {
  app.addHook("preHandler", async (request, reply) => {
    const query = request.query as Record<string, string | undefined>;
    const source = request.headers["x-amz-copy-source"];
    if (request.method !== "PUT" || typeof source !== "string" || !query.uploadId || !query.partNumber) return;
    const decoded = decodeURIComponent(source).replace(/^\//, "");
    const slash = decoded.indexOf("/");
    const xmlError = (status: number, code: string) => reply.status(status).header("content-type", "application/xml").send(s3ErrorXml(code, code));
    let object: { body: Buffer; etag: string };
    try {
      object = store.getObject(decoded.slice(0, slash), decoded.slice(slash + 1));
    } catch {
      return xmlError(404, "NoSuchKey");
    }
    const ifMatch = request.headers["x-amz-copy-source-if-match"];
    if (typeof ifMatch === "string" && ifMatch !== object.etag) return xmlError(412, "PreconditionFailed");
    const range = /^bytes=(\d+)-(\d+)$/.exec(String(request.headers["x-amz-copy-source-range"] ?? ""));
    const body = range ? object.body.subarray(Number(range[1]), Number(range[2]) + 1) : object.body;
    const etag = store.uploadPart(query.uploadId, Number(query.partNumber), Buffer.from(body));
    return reply
      .status(200)
      .header("content-type", "application/xml")
      .send(`<?xml version="1.0" encoding="UTF-8"?><CopyPartResult><ETag>${etag.replace(/"/g, "&quot;")}</ETag><LastModified>${new Date().toISOString()}</LastModified></CopyPartResult>`);
  });
}

/**
 * fauxqs has no ListMultipartUploads (`GET /bucket?uploads`): it would answer with an object
 * listing. The harness answers it from fauxqs' state: every pending upload of the bucket whose key
 * starts with `prefix`, in key order, in one page (`IsTruncated` false).
 */
function addListMultipartUploads(app: ReturnType<typeof buildApp>, store: FauxS3Store): void {
  app.addHook("preHandler", async (request, reply) => {
    const query = request.query as Record<string, string | undefined>;
    const params = request.params as Record<string, string | undefined>;
    if (request.method !== "GET" || !("uploads" in query) || (params["*"] ?? "") !== "") return;
    const bucket = params.bucket ?? "";
    const prefix = query.prefix ?? "";
    const uploads = [...store.multipartUploads.entries()]
      .filter(([, upload]) => upload.bucket === bucket && upload.key.startsWith(prefix))
      .sort(([, a], [, b]) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      .map(
        ([id, upload]) =>
          `<Upload><Key>${xmlText(upload.key)}</Key><UploadId>${xmlText(id)}</UploadId><Initiated>${(upload.initiated ?? new Date()).toISOString()}</Initiated><StorageClass>STANDARD</StorageClass></Upload>`,
      );
    return reply
      .status(200)
      .header("content-type", "application/xml")
      .send(
        `<?xml version="1.0" encoding="UTF-8"?><ListMultipartUploadsResult><Bucket>${xmlText(bucket)}</Bucket><Prefix>${xmlText(prefix)}</Prefix><MaxUploads>1000</MaxUploads><IsTruncated>false</IsTruncated>${uploads.join("")}</ListMultipartUploadsResult>`,
      );
  });
}

/**
 * fauxqs ignores conditional writes; S3 honours them, and stores rely on them: PutObject with
 * `If-None-Match: *` fails with 412 when the key exists, DeleteObject with `If-Match: <etag>` fails
 * with 412 when the object changed and 404 when it is gone. The harness does the same.
 */
function addConditionalWrites(app: ReturnType<typeof buildApp>, store: FauxS3Store): void {
  app.addHook("preHandler", async (request, reply) => {
    const params = request.params as Record<string, string | undefined>;
    const bucket = params.bucket ?? "";
    const key = params["*"] ?? "";
    if (key === "") return;
    const fail = (status: number, code: string) => reply.status(status).header("content-type", "application/xml").send(s3ErrorXml(code, code));
    if (request.method === "PUT" && request.headers["if-none-match"] === "*") {
      if (etagOf(store, bucket, key) !== undefined) return fail(412, "PreconditionFailed");
    }
    const ifMatch = request.headers["if-match"];
    if (request.method === "DELETE" && typeof ifMatch === "string") {
      const etag = etagOf(store, bucket, key);
      if (etag === undefined) return fail(404, "NoSuchKey");
      if (etag !== ifMatch) return fail(412, "PreconditionFailed");
    }
    return undefined;
  });
}

/**
 * fauxqs reads CompleteMultipartUpload's part list with named XML entities only and with every
 * part's elements in one order. Go's encoder (rclone) writes the ETags' quotes as `&#34;` and
 * orders `ETag` and `PartNumber` differently from part to part: parts then go missing or mismatch.
 * S3 reads any XML; the harness rewrites the list as fauxqs expects it first.
 */
function normaliseCompleteMultipartUpload(app: ReturnType<typeof buildApp>): void {
  app.addHook("preHandler", async (request) => {
    const query = request.query as Record<string, string | undefined>;
    if (request.method !== "POST" || query.uploadId === undefined || !Buffer.isBuffer(request.body)) return;
    const xml = request.body
      .toString("utf8")
      .replace(/&#(x[0-9a-fA-F]+|\d+);/g, (_, code: string) => {
        const character = String.fromCodePoint(code.startsWith("x") ? Number.parseInt(code.slice(1), 16) : Number(code));
        return character === "&" ? "&amp;" : character === "<" ? "&lt;" : character;
      })
      .replace(/<Part>([\s\S]*?)<\/Part>/g, (part, inner: string) => {
        const number = /<PartNumber>([^<]*)<\/PartNumber>/.exec(inner)?.[1];
        const etag = /<ETag>([^<]*)<\/ETag>/.exec(inner)?.[1];
        return number === undefined || etag === undefined ? part : `<Part><PartNumber>${number}</PartNumber><ETag>${etag}</ETag></Part>`;
      });
    request.body = Buffer.from(xml);
  });
}

/**
 * fauxqs sorts a listing with `localeCompare` but pages it by comparing JS strings (UTF-16 units),
 * so with small pages keys differing only in case, or beyond the BMP, are skipped or listed twice.
 * S3 lists in UTF-8 byte order (code point order) and pages in that order: the harness does the
 * same, keeping fauxqs' paging rules (a folder counts as one key; the token is the last key).
 */
function listInByteOrder(store: FauxS3Store): void {
  const original = store.listObjects.bind(store);
  const after = (a: string, b: string): boolean => Buffer.compare(Buffer.from(a), Buffer.from(b)) > 0;
  store.listObjects = (bucket, options = {}) => {
    const objects = store.buckets.get(bucket);
    if (objects === undefined) return original(bucket, options); // fauxqs' NoSuchBucket error
    const prefix = options.prefix ?? "";
    const maxKeys = options.maxKeys ?? 1000;
    const startAfter = options.startAfter ?? options.marker ?? "";
    const sorted = [...objects.values()]
      .filter((object) => object.key.startsWith(prefix))
      .map((object) => ({ object, bytes: Buffer.from(object.key) }))
      .sort((a, b) => Buffer.compare(a.bytes, b.bytes))
      .map(({ object }) => object);
    const page: FauxListing = { objects: [], commonPrefixes: [], isTruncated: false };
    const folders = new Set<string>();
    for (const object of sorted) {
      if (startAfter !== "" && !after(object.key, startAfter)) continue;
      const rest = object.key.slice(prefix.length);
      const cut = options.delimiter ? rest.indexOf(options.delimiter) : -1;
      const folder = cut >= 0 ? prefix + rest.slice(0, cut + (options.delimiter?.length ?? 0)) : undefined;
      if (folder !== undefined && ((startAfter !== "" && !after(folder, startAfter)) || folders.has(folder))) continue;
      if (page.objects.length + folders.size >= maxKeys) {
        page.isTruncated = true;
        break;
      }
      if (folder === undefined) page.objects.push(object);
      else folders.add(folder);
    }
    page.commonPrefixes = [...folders];
    return page;
  };
}

function etagOf(store: FauxS3Store, bucket: string, key: string): string | undefined {
  try {
    return store.headObject(bucket, key).etag;
  } catch {
    return undefined;
  }
}

/** Path-style addressing (the host is an IP address), the server's region and its first account. */
function clientConfigFor(endpoint: string, options: S3TestServerOptions): S3ClientConfig {
  const { accessKeyId, secretAccessKey, sessionToken } = options.accounts?.[0] ?? TEST_ACCOUNTS[0] ?? { accessKeyId: "", secretAccessKey: "" };
  const credentials = sessionToken === undefined ? { accessKeyId, secretAccessKey } : { accessKeyId, secretAccessKey, sessionToken };
  return { endpoint, region: options.region ?? "us-east-1", forcePathStyle: true, credentials };
}

// fauxqs exports only its entry point; its store classes sit beside it in dist/.
async function createStores(): Promise<{ s3Store: FauxS3Store; sqsStore: unknown; snsStore: unknown }> {
  const entry = import.meta.resolve("fauxqs");
  const load = async (path: string, name: string): Promise<new () => unknown> =>
    ((await import(new URL(path, entry).href)) as Record<string, new () => unknown>)[name] as new () => unknown;
  const [S3Store, SqsStore, SnsStore] = await Promise.all([
    load("./s3/s3Store.js", "S3Store"),
    load("./sqs/sqsStore.js", "SqsStore"),
    load("./sns/snsStore.js", "SnsStore"),
  ]);
  return { s3Store: new S3Store() as FauxS3Store, sqsStore: new SqsStore(), snsStore: new SnsStore() };
}

/** A test S3 server running in a child process (see {@link spawnS3Server}). */
export interface S3ServerProcess extends Omit<S3TestServer, "createBucket" | "pendingMultipartUploads" | "leaveMultipartUpload" | "requests"> {
  /**
   * Creates one more empty bucket in the child and resolves to its name: the server refuses
   * unsigned requests, so a bench cannot make one with a bare `PUT`.
   */
  createBucket(name?: string): Promise<string>;
  /** The child's process id: a bench reads the server's CPU time from `/proc/<pid>/stat`. */
  pid: number | undefined;
}

/**
 * Starts the same server in a child Node process, so that its memory (it holds every object) stays
 * out of the caller's RSS: what benchmarks need. The child exits when its stdin closes, so it dies
 * with the parent even when the parent is killed. `options.clock` stays behind (a function).
 */
export async function spawnS3Server(options: S3TestServerOptions = {}): Promise<S3ServerProcess> {
  const { spawn } = await import("node:child_process");
  // One line per message: the child's address first, then one line per bucket it creates.
  const script = `
    import { createInterface } from "node:readline";
    import { startS3Server } from ${JSON.stringify(import.meta.url)};
    const server = await startS3Server(${JSON.stringify(options)});
    process.stdout.write(JSON.stringify({ endpoint: server.endpoint, bucket: server.bucket }) + "\\n");
    const lines = createInterface({ input: process.stdin });
    lines.on("line", (line) => {
      const { name } = JSON.parse(line);
      process.stdout.write(JSON.stringify({ created: server.createBucket(name ?? undefined) }) + "\\n");
    });
    lines.on("close", () => server.stop().then(() => process.exit(0)));
  `;
  const child = spawn(process.execPath, ["--input-type=module", "-e", script], { stdio: ["pipe", "pipe", "inherit"] });
  const waiting: Array<(line: string) => void> = [];
  let output = "";
  child.stdout.on("data", (data: Buffer) => {
    output += data.toString();
    for (let end = output.indexOf("\n"); end >= 0; end = output.indexOf("\n")) {
      const line = output.slice(0, end);
      output = output.slice(end + 1);
      waiting.shift()?.(line);
    }
  });
  const ready = await new Promise<{ endpoint: string; bucket: string }>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`S3 server process exited with code ${code}`)));
    waiting.push((line) => resolve(JSON.parse(line) as { endpoint: string; bucket: string }));
  });
  return {
    ...ready,
    pid: child.pid,
    clientConfig: clientConfigFor(ready.endpoint, options),
    createBucket: (name) =>
      new Promise<string>((resolve) => {
        waiting.push((line) => resolve((JSON.parse(line) as { created: string }).created));
        child.stdin.write(`${JSON.stringify({ name: name ?? null })}\n`);
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.stdin.end();
      }),
  };
}
