import { createHash } from "node:crypto";
import type { Readable } from "node:stream";
import type { S3Client } from "@aws-sdk/client-s3";
import type { HttpRequest as SignedRequest } from "@smithy/core/transport";
import type { HttpResponse } from "@smithy/types";
import { HeadObjectCommand, HttpRequest, getEndpointFromInstructions } from "./sdk.js";
import { errorFromResponse, retryErrorInfo, type LeanError } from "./lean-errors.js";
import { encodeRfc3986, signRequest, type SigningCredentials } from "./lean-signer.js";

/** One request of the lean path, before signing: the object key (or none, for a bucket request), method, query and headers. */
export interface LeanRequest {
  method: "GET" | "HEAD" | "PUT";
  /** The object key, unencoded; `undefined` for a request on the bucket itself (a listing). */
  key?: string | undefined;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  /** A buffered body; never a stream, so that a retry can send it again. */
  body?: Uint8Array;
  signal?: AbortSignal | undefined;
}

/** The SDK's retry strategy, as far as the lean path drives it (`RetryStrategyV2` of `@smithy/types`). */
interface RetryStrategyV2 {
  acquireInitialRetryToken(scope: string): Promise<RetryToken>;
  refreshRetryTokenForRetry(token: RetryToken, info: ReturnType<typeof retryErrorInfo>): Promise<RetryToken>;
  recordSuccess(token: RetryToken): void;
}
interface RetryToken {
  getRetryDelay(): number;
  /** A wait the strategy made itself (stowage's `S3RetryStrategy` does), counted in `totalRetryDelay`. */
  $retryLog?: { acquisitionDelay?: number };
}

/** What the client resolved, once per bucket: where requests go and how they are signed. */
interface Resolved {
  protocol: string;
  hostname: string;
  port: number | undefined;
  /** The path of the bucket's endpoint without a trailing `/` (`"/bucket"` path-style, `""` virtual-host). */
  basePath: string;
  host: string;
  /** The signing region and service name the endpoint rules gave. */
  region: string;
  service: string;
  retries: RetryStrategyV2;
  /** Over TLS the payload goes unsigned (its Content-MD5 still protects it); over plain HTTP it is signed. */
  signPayload: boolean;
}

/** The resolved client configuration fields the lean path reads (all resolved by the SDK's constructor). */
interface ClientConfigView {
  /** A provider after the SDK's constructor (it memoizes and refreshes); a value only in a hand-made config. */
  credentials: SigningCredentials | (() => Promise<SigningCredentials>);
  requestHandler: { handle(request: SignedRequest, options?: { abortSignal?: AbortSignal }): Promise<{ response: HttpResponse }> };
  retryStrategy: () => Promise<unknown>;
  systemClockOffset: number;
}

const EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/**
 * The lean transport of the per-object hot path (HeadObject, GetObject, single-part PutObject,
 * ListObjectsV2 pages): the request is built here, signed with `aws4` (see `lean-signer.ts`) and handed to
 * the client's own request handler (its keep-alive `Agent`, deadlines and any fault-injecting
 * wrapper apply unchanged), skipping the SDK's middleware pipeline, which costs about ten times
 * the request itself. What the SDK resolves is asked once per bucket: the endpoint (path- or
 * virtual-host style, from its endpoint rules), the signing region, the credentials provider
 * (called per request: it caches and refreshes), the retry strategy and the clock-skew offset.
 * S3 Express and SigV4a endpoints resolve to another auth scheme: {@link LeanTransport.ready}
 * then answers `false` and callers keep the SDK.
 */
export class LeanTransport {
  readonly #client: S3Client;
  readonly #bucket: string;
  #resolved: Promise<Resolved | undefined> | undefined;

  constructor(client: S3Client, bucket: string) {
    this.#client = client;
    this.#bucket = bucket;
  }

  get #config(): ClientConfigView {
    return this.#client.config as unknown as ClientConfigView;
  }

  /** Whether the lean path can serve this bucket (false for auth schemes other than SigV4). */
  async ready(): Promise<boolean> {
    return (await this.#resolve()) !== undefined;
  }

  #resolve(): Promise<Resolved | undefined> {
    this.#resolved ??= this.#resolveOnce().catch((error: unknown) => {
      this.#resolved = undefined;
      throw error;
    });
    return this.#resolved;
  }

  async #resolveOnce(): Promise<Resolved | undefined> {
    const config = this.#config;
    const endpoint = await getEndpointFromInstructions({ Bucket: this.#bucket, Key: "k" }, HeadObjectCommand, this.#client.config as never);
    const schemes = (endpoint.properties?.authSchemes ?? []) as Array<{ name?: string; signingName?: string; signingRegion?: string }>;
    const scheme = schemes[0];
    if (scheme === undefined || scheme.name !== "sigv4" || scheme.signingRegion === undefined) return undefined;
    const retries = (await config.retryStrategy()) as Partial<RetryStrategyV2>;
    if (typeof retries.acquireInitialRetryToken !== "function" || typeof retries.refreshRetryTokenForRetry !== "function") return undefined;
    const url = endpoint.url;
    return {
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port === "" ? undefined : Number(url.port),
      basePath: url.pathname.replace(/\/+$/, ""),
      host: url.host,
      region: scheme.signingRegion,
      service: scheme.signingName ?? "s3",
      retries: retries as RetryStrategyV2,
      signPayload: url.protocol !== "https:",
    };
  }

  /**
   * Sends `request`, retrying (by the client's retry strategy, with its backoff) throttling, 5xx,
   * socket resets and timeouts; every lean request is idempotent or carries a buffered body. A
   * 2xx (or, for HEAD, any status the caller accepts) resolves with the response, its body still
   * to read; any other status rejects with a {@link LeanError} shaped like the SDK's errors
   * (`name` = S3's code, `$metadata.httpStatusCode`), so `toStowageError` maps both alike.
   */
  async send(request: LeanRequest): Promise<HttpResponse> {
    const resolved = await this.#resolve();
    if (resolved === undefined) throw new Error("the lean S3 transport cannot serve this endpoint");
    const { retries } = resolved;
    let token = await retries.acquireInitialRetryToken(this.#bucket);
    const payloadHash = request.body === undefined ? EMPTY_SHA256 : resolved.signPayload ? sha256Hex(request.body) : "UNSIGNED-PAYLOAD";
    let attempts = 0;
    let totalRetryDelay = 0;
    for (;;) {
      attempts++;
      try {
        const response = await this.#attempt(resolved, request, payloadHash);
        retries.recordSuccess(token);
        return response;
      } catch (error) {
        // As the SDK's errors do, the final one says how many attempts it took.
        const final = (): unknown => withAttempts(error, attempts, totalRetryDelay);
        if (request.signal?.aborted === true) throw final();
        try {
          token = await retries.refreshRetryTokenForRetry(token, retryErrorInfo(error));
        } catch {
          throw final();
        }
        const delay = token.getRetryDelay();
        totalRetryDelay += delay + (token.$retryLog?.acquisitionDelay ?? 0);
        if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  async #attempt(resolved: Resolved, request: LeanRequest, payloadHash: string): Promise<HttpResponse> {
    const config = this.#config;
    const headers: Record<string, string> = { host: resolved.host, "x-amz-content-sha256": payloadHash, ...request.headers };
    if (request.body !== undefined) headers["content-length"] = String(request.body.byteLength);
    const path = request.key === undefined ? `${resolved.basePath}/` : `${resolved.basePath}/${encodeKeyPath(request.key)}`;
    const query = request.query ?? {};
    const credentials = typeof config.credentials === "function" ? await config.credentials() : config.credentials;
    signRequest({ method: request.method, path, query, headers }, credentials, resolved.region, resolved.service, Date.now() + config.systemClockOffset);
    const signed = new HttpRequest({
      protocol: resolved.protocol,
      hostname: resolved.hostname,
      ...(resolved.port === undefined ? {} : { port: resolved.port }),
      method: request.method,
      path,
      query,
      headers,
      body: request.body,
    });
    const { response } = await config.requestHandler.handle(signed, request.signal === undefined ? {} : { abortSignal: request.signal });
    if (response.statusCode >= 200 && response.statusCode < 300) return response;
    const error = await errorFromResponse(response, request.method);
    this.#correctClock(error, response);
    throw error;
  }

  /**
   * As the SDK does: after any error answer whose `Date` is 5 minutes or more off the client's
   * corrected clock, the client's offset moves to it, and the error counts as transient, so the
   * retry is signed with it. Any error, not only `RequestTimeTooSkewed`: a HEAD answer has no body
   * to name it, only its 403.
   */
  #correctClock(error: LeanError, response: HttpResponse): void {
    const date = response.headers.date;
    if (date === undefined) return;
    const server = Date.parse(date);
    const config = this.#config;
    if (Number.isNaN(server) || Math.abs(server - (Date.now() + config.systemClockOffset)) < 300_000) return;
    config.systemClockOffset = server - Date.now();
    error.$metadata.clockSkewCorrected = true;
  }
}

/** Drains a response body that nobody reads, so that its connection returns to the pool. */
export function discardBody(response: HttpResponse): void {
  (response.body as Readable | undefined)?.resume?.();
}

/** A key of unreserved characters and slashes, which encodes to itself (most keys). */
const PLAIN_PATH = /^[A-Za-z0-9\-._~/]*$/;

/**
 * The URL path of an object key: each `/`-separated segment percent-encoded as S3's canonical URI
 * wants it (RFC 3986 unreserved characters kept, everything else `%XX` of its UTF-8 bytes), the
 * slashes kept. Never `new URL()`, which would resolve `./` and `../` segments and so address
 * another object.
 */
export function encodeKeyPath(key: string): string {
  if (PLAIN_PATH.test(key)) return key;
  return key
    .split("/")
    .map(encodeRfc3986)
    .join("/");
}

function withAttempts(error: unknown, attempts: number, totalRetryDelay: number): unknown {
  if (typeof error !== "object" || error === null) return error;
  const target = error as { $metadata?: Record<string, unknown> };
  target.$metadata = { ...target.$metadata, attempts, totalRetryDelay };
  return error;
}

function sha256Hex(body: Uint8Array): string {
  return createHash("sha256").update(body).digest("hex");
}
