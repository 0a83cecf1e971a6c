/** Raw HTTP requests to the test S3 server, and signing them with `@smithy/signature-v4`. */
import { request as httpRequest } from "node:http";
import { Sha256 } from "@smithy/core/checksum";
import { HttpRequest, buildQueryString, escapeUri } from "@smithy/core/protocols";
import { SignatureV4 } from "@smithy/signature-v4";
import type { S3TestAccount } from "../src/s3.js";

/** One request as sent on the wire: the path as written (already encoded) and headers as given. */
export interface Wire {
  method: string;
  /** Path and query, as sent. */
  url: string;
  headers: Record<string, string>;
  body?: Buffer | string;
}

/** Status, the S3 error code of an XML error body (or `""`), and the body. */
export interface Answer {
  status: number;
  code: string;
  body: string;
}

/** Sends `wire` to `endpoint` exactly as given (Host header included, when given). */
export function send(endpoint: string, wire: Wire): Promise<Answer> {
  const { hostname, port } = new URL(endpoint);
  return new Promise((resolve, reject) => {
    const request = httpRequest({ hostname, port, method: wire.method, path: wire.url, headers: wire.headers, agent: false }, (response) => {
      const parts: Buffer[] = [];
      response.on("data", (part: Buffer) => parts.push(part));
      response.on("end", () => {
        const body = Buffer.concat(parts).toString("utf8");
        resolve({ status: response.statusCode ?? 0, code: /<Code>([^<]*)<\/Code>/.exec(body)?.[1] ?? "", body });
      });
      response.on("error", reject);
    });
    request.on("error", reject);
    request.end(wire.body);
  });
}

/** A request to sign: the key is encoded segment by segment, never resolved as a URL. */
export interface Unsigned {
  method: string;
  bucket: string;
  key: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: Buffer | string;
}

/** How to sign: header or query, payload hashed or not, when, with what credentials. */
export interface SignOptions {
  account: S3TestAccount;
  /** `hashed` signs the body's SHA-256; `unsigned` signs `UNSIGNED-PAYLOAD`. */
  payload?: "hashed" | "unsigned";
  /** Presign for this many seconds instead of signing the headers. */
  presign?: number;
  signingDate?: Date;
  region?: string;
}

/** `/bucket/key` with every segment URI-encoded as S3 canonicalises it (`/`, `.` and `..` kept). */
export function pathOf(bucket: string, key: string): string {
  return `/${bucket}/${key.split("/").map(escapeUri).join("/")}`;
}

/** Signs `unsigned` for `endpoint` with `@smithy/signature-v4`, as the SDK signs for S3. */
export async function signed(endpoint: string, unsigned: Unsigned, options: SignOptions): Promise<Wire> {
  const { hostname, port } = new URL(endpoint);
  const headers: Record<string, string> = { host: `${hostname}:${port}`, ...unsigned.headers };
  if (options.presign !== undefined || options.payload === "unsigned") headers["x-amz-content-sha256"] = "UNSIGNED-PAYLOAD";
  const request = new HttpRequest({
    method: unsigned.method,
    protocol: "http:",
    hostname,
    port: Number(port),
    path: pathOf(unsigned.bucket, unsigned.key),
    query: { ...unsigned.query },
    headers,
    body: unsigned.body,
  });
  const signer = new SignatureV4({ credentials: options.account, region: options.region ?? "us-east-1", service: "s3", sha256: Sha256, uriEscapePath: false });
  const signingDate = options.signingDate ?? new Date();
  const done =
    options.presign === undefined
      ? await signer.sign(request, { signingDate })
      : await signer.presign(request, { signingDate, expiresIn: options.presign });
  const query = buildQueryString(done.query as Record<string, string>);
  const sent = { ...(done.headers as Record<string, string>) };
  // A presigned URL carries no signature header; the hoisted x-amz-* headers are in the query.
  return { method: done.method, url: query === "" ? done.path : `${done.path}?${query}`, headers: sent, body: unsigned.body };
}
