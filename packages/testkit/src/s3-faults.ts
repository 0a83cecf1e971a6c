/**
 * Faults a real S3 server cannot produce on demand, injected on the wire of one `S3Client`: a
 * request handler that wraps the SDK's own (so the SDK's retries, deserializers and error mapping
 * all run as they would against a failing S3) and, request by request, lets it through, resets the
 * connection before or after the server carried the request out, answers with an S3 error reply,
 * or rewrites the server's real answer.
 */
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { S3Client, type S3ClientConfig } from "@aws-sdk/client-s3";

/** What a fault plan sees of one HTTP request. */
export interface FaultRequest {
  method: string;
  /** The URL path, `/bucket/key` (path-style). */
  path: string;
  /** The query parameters (`list-type`, `continuation-token`, `uploadId`, ...). */
  query: Readonly<Record<string, string | string[] | null | undefined>>;
  /** How many requests with this method, path and query came before this one (0 for the first). */
  seen: number;
}

/** What happens to one request. */
export type Fault =
  /** The connection drops before the request reaches the server: nothing is done there. */
  | { kind: "reset-before" }
  /** The server carries the request out, then the connection drops before the answer arrives. */
  | { kind: "reset-after" }
  /** The server is not asked; the client gets this S3 error reply (`<Error><Code>code</Code>`). */
  | { kind: "reply"; status: number; code: string }
  /** The server answers; its body (XML) reaches the client as `edit` returns it. */
  | { kind: "edit"; edit: (body: string) => string };

/** Decides the fate of each request: a fault, or `undefined` to let it through untouched. */
export type FaultPlan = (request: FaultRequest) => Fault | undefined;

/** The SDK's HTTP request, as far as the plan reads it. */
interface WireRequest {
  method: string;
  path: string;
  query?: Record<string, string | string[] | null>;
}

/** The SDK's HTTP response. */
interface WireResponse {
  statusCode: number;
  reason?: string;
  headers: Record<string, string>;
  body: unknown;
}

type Handled = { response: WireResponse };

/** The SDK's request handler (`NodeHttpHandler`), as far as the wrapper needs it. */
interface Handler {
  handle(request: WireRequest, options?: unknown): Promise<Handled>;
  updateHttpClientConfig(key: never, value: never): void;
  httpHandlerConfigs(): unknown;
  destroy?(): void;
}

/** A client configuration whose requests go through {@link FaultPlan} `plan`, and what it did. */
export interface FaultyClient {
  /** `clientConfig` with the fault-injecting `requestHandler`. */
  clientConfig: S3ClientConfig;
  /** How many requests got each kind of fault so far, and how many went through untouched. */
  counts: Record<Fault["kind"] | "passed", number>;
}

/**
 * Wraps the request handler of a client built from `clientConfig` so that `plan` decides each
 * request's fate. Faults happen inside the SDK's retry loop: a retried request is a new request
 * to the plan (its `seen` grows).
 */
export function faultyClientConfig(clientConfig: S3ClientConfig, plan: FaultPlan): FaultyClient {
  const inner = new S3Client(clientConfig).config.requestHandler as unknown as Handler;
  const counts: FaultyClient["counts"] = { "reset-before": 0, "reset-after": 0, reply: 0, edit: 0, passed: 0 };
  const seen = new Map<string, number>();
  const handler = {
    metadata: { handlerProtocol: "http/1.1" },
    updateHttpClientConfig: (key: never, value: never) => inner.updateHttpClientConfig(key, value),
    httpHandlerConfigs: () => inner.httpHandlerConfigs(),
    destroy: () => inner.destroy?.(),
    async handle(request: WireRequest, options?: unknown): Promise<Handled> {
      const id = `${request.method} ${request.path} ${JSON.stringify(request.query ?? {})}`;
      const count = seen.get(id) ?? 0;
      seen.set(id, count + 1);
      const fault = plan({ method: request.method, path: request.path, query: request.query ?? {}, seen: count });
      counts[fault?.kind ?? "passed"]++;
      if (fault === undefined) return inner.handle(request, options);
      if (fault.kind === "reset-before") throw connectionReset();
      if (fault.kind === "reply") return reply(fault.status, errorXml(fault.code));
      const answer = await inner.handle(request, options);
      if (fault.kind === "reset-after") {
        (answer.response.body as Readable | undefined)?.destroy?.();
        throw connectionReset();
      }
      const body = await text(answer.response.body as Readable);
      const edited = Buffer.from(fault.edit(body));
      const headers = { ...answer.response.headers, "content-length": String(edited.byteLength) };
      return { response: { ...answer.response, headers, body: Readable.from([edited]) } };
    },
  };
  return { clientConfig: { ...clientConfig, requestHandler: handler as unknown as S3ClientConfig["requestHandler"] }, counts };
}

/**
 * A plan that faults `rate` (0 to 1) of all requests, of every kind, at random but reproducibly:
 * a request's fate hangs on `seed`, its method, path and query, and how many times it was sent
 * before, never on the order in which concurrent requests happen to go out. Faults rotate among a
 * reset before sending, a reset after the server acted, 500 InternalError and 503 SlowDown.
 */
export function randomFaults(rate: number, seed: number): FaultPlan {
  const kinds: Fault[] = [
    { kind: "reset-before" },
    { kind: "reset-after" },
    { kind: "reply", status: 500, code: "InternalError" },
    { kind: "reply", status: 503, code: "SlowDown" },
  ];
  return (request) => {
    const digest = createHash("sha256")
      .update(`${seed} ${request.method} ${request.path} ${JSON.stringify(request.query)} ${request.seen}`)
      .digest();
    if (digest.readUInt32BE(0) / 2 ** 32 >= rate) return undefined;
    return kinds[digest.readUInt32BE(4) % kinds.length];
  };
}

function connectionReset(): Error {
  return Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
}

function errorXml(code: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>injected ${code}</Message><RequestId>fault</RequestId></Error>`;
}

function reply(statusCode: number, body: string): Handled {
  const bytes = Buffer.from(body);
  const headers = { "content-type": "application/xml", "content-length": String(bytes.byteLength) };
  return { response: { statusCode, reason: "", headers, body: Readable.from([bytes]) } };
}

async function text(body: Readable | undefined): Promise<string> {
  if (body === undefined) return "";
  const parts: Buffer[] = [];
  for await (const part of body) parts.push(Buffer.from(part as Uint8Array));
  return Buffer.concat(parts).toString("utf8");
}
