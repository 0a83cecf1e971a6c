/**
 * What S3 checks of a request body, for the test server: the signed SHA-256
 * (`x-amz-content-sha256`), `Content-MD5`, the flexible checksums (`x-amz-checksum-*` headers or
 * aws-chunked trailers), and for aws-chunked bodies (`STREAMING-*`) the framing, the decoded length
 * and each chunk's signature. Everything is hashed while the body streams through: memory stays
 * bounded whatever the body's size.
 */
import { createHash, createHmac, type Hash } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { Transform, type TransformCallback } from "node:stream";
import { crc32 } from "node:zlib";
import { reject, type S3Rejection } from "./s3-errors.js";
import type { VerifiedSignature } from "./s3-sigv4.js";
import { ChunkDecoder, type ChunkEvents } from "./s3-chunked.js";

const EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
const STREAMING = new Set([
  "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
  "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
  "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER",
]);

/** A checksum S3 computes over the payload: CRC32, SHA-1 and SHA-256 are verified here. */
interface Checksum {
  /** The header or trailer it came in, `x-amz-checksum-crc32`. */
  name: string;
  update(data: Buffer): void;
  /** The base64 value S3 would compute. */
  value(): string;
}

/**
 * Passes a request body through unchanged while checking it; {@link BodyCheck.verdict} tells the
 * outcome once the body has been read to its end.
 */
export class BodyCheck extends Transform {
  readonly #rawSha256: Hash | undefined;
  readonly #md5: Hash | undefined;
  readonly #checksums: Checksum[];
  readonly #decoder: ChunkDecoder | undefined;
  readonly #expected: { sha256?: string; md5?: string; checksums: Map<string, string> };
  #decodedLength = 0;
  #failure: S3Rejection | undefined;
  #ended = false;

  constructor(
    plan: Plan,
    private readonly verified: VerifiedSignature,
  ) {
    super();
    this.#expected = { checksums: new Map(plan.checksumHeaders) };
    if (plan.sha256 !== undefined) {
      this.#rawSha256 = createHash("sha256");
      this.#expected.sha256 = plan.sha256;
    }
    if (plan.md5 !== undefined) {
      this.#md5 = createHash("md5");
      this.#expected.md5 = plan.md5;
    }
    this.#checksums = [...new Set([...plan.checksumHeaders.keys(), ...plan.trailers])].map(checksumFor).filter((sum) => sum !== undefined);
    this.#decoder = plan.chunked ? new ChunkDecoder(this.#chunkEvents(plan)) : undefined;
  }

  /** `undefined` when the body passed every check; else the rejection S3 would answer with. */
  verdict(): S3Rejection | undefined {
    if (!this.#ended) this.#finish();
    return this.#failure;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.#rawSha256?.update(chunk);
    if (this.#decoder === undefined) this.#payload(chunk);
    else if (this.#failure === undefined) this.#failure = this.#decoder.write(chunk);
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    this.#finish();
    done();
  }

  #payload(data: Buffer): void {
    this.#decodedLength += data.length;
    this.#md5?.update(data);
    for (const sum of this.#checksums) sum.update(data);
  }

  #finish(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#failure ??= this.#decoder?.end() ?? this.#compare();
  }

  #compare(): S3Rejection | undefined {
    const sha256 = this.#rawSha256?.digest("hex");
    if (sha256 !== undefined && sha256 !== this.#expected.sha256) {
      return reject(400, "XAmzContentSHA256Mismatch", "The provided 'x-amz-content-sha256' header does not match what was computed.", [
        ["ClientComputedContentSHA256", this.#expected.sha256 ?? ""],
        ["S3ComputedContentSHA256", sha256],
      ]);
    }
    const md5 = this.#md5?.digest("base64");
    if (md5 !== undefined && md5 !== this.#expected.md5) {
      return reject(400, "BadDigest", "The Content-MD5 you specified did not match what we received.", [
        ["ExpectedDigest", this.#expected.md5 ?? ""],
        ["CalculatedDigest", md5],
      ]);
    }
    for (const sum of this.#checksums) {
      const expected = this.#expected.checksums.get(sum.name);
      if (expected === undefined) return reject(400, "MalformedTrailerError", "The request contained trailing data that was not well-formed or did not conform to our published schema.");
      if (expected !== sum.value()) {
        const algorithm = sum.name.slice("x-amz-checksum-".length).toUpperCase();
        return reject(400, "BadDigest", `The ${algorithm} you specified did not match the calculated checksum.`);
      }
    }
    return undefined;
  }

  #chunkEvents(plan: Plan): ChunkEvents {
    const signed = plan.signedChunks ? this.verified : undefined;
    let previous = this.verified.signature;
    return {
      data: (data) => this.#payload(data),
      chunkSigned: signed === undefined ? undefined : (sha256, signature) => {
        const expected = hmacHex(signed.signingKey, ["AWS4-HMAC-SHA256-PAYLOAD", signed.longDate, signed.scope, previous, EMPTY_SHA256, sha256].join("\n"));
        previous = expected;
        return expected === signature ? undefined : chunkMismatch();
      },
      trailer: (name, value) => {
        this.#expected.checksums.set(name, value);
      },
      trailerSigned: signed === undefined || plan.trailers.length === 0 ? undefined : (canonicalTrailer, signature) => {
        const hashed = createHash("sha256").update(canonicalTrailer).digest("hex");
        const expected = hmacHex(signed.signingKey, ["AWS4-HMAC-SHA256-TRAILER", signed.longDate, signed.scope, previous, hashed].join("\n"));
        return expected === signature ? undefined : chunkMismatch();
      },
      end: () => {
        if (plan.decodedLength !== undefined && plan.decodedLength !== this.#decodedLength) {
          return reject(400, "IncompleteBody", "You did not provide the number of bytes specified by the x-amz-decoded-content-length HTTP header.");
        }
        return this.#compare();
      },
    };
  }
}

/** What a body must be checked against, read from its headers and signature. */
export interface Plan {
  /** Hex SHA-256 of the raw body, when the signature names one. */
  sha256?: string;
  /** Base64 MD5 of the payload (`Content-MD5`). */
  md5?: string;
  /** `x-amz-checksum-*` header values by header name. */
  checksumHeaders: Map<string, string>;
  /** Checksums announced in `x-amz-trailer`. */
  trailers: string[];
  /** Whether the body is aws-chunked (`STREAMING-*`). */
  chunked: boolean;
  /** Whether each chunk carries a signature (`STREAMING-AWS4-HMAC-SHA256-PAYLOAD*`). */
  signedChunks: boolean;
  /** `x-amz-decoded-content-length` of an aws-chunked body. */
  decodedLength?: number;
}

/**
 * What the body of a request with these headers must be checked against; `undefined` when there
 * is nothing to check (`UNSIGNED-PAYLOAD` and no digest headers), or the rejection S3 answers
 * before reading a body (a malformed `Content-MD5` or `x-amz-content-sha256`). `completesUpload`:
 * the request is a CompleteMultipartUpload.
 */
export function planBodyCheck(headers: IncomingHttpHeaders, verified: VerifiedSignature, completesUpload = false): Plan | S3Rejection | undefined {
  const payload = verified.payloadHash;
  const chunked = STREAMING.has(payload);
  if (!chunked && payload !== "UNSIGNED-PAYLOAD" && !/^[0-9a-f]{64}$/.test(payload)) {
    return reject(400, "InvalidArgument", "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER or a valid sha256 value.");
  }
  const plan: Plan = { checksumHeaders: new Map(), trailers: [], chunked, signedChunks: payload.startsWith("STREAMING-AWS4-HMAC-SHA256-PAYLOAD") };
  if (!chunked && payload !== "UNSIGNED-PAYLOAD") plan.sha256 = payload;
  const md5 = headers["content-md5"];
  if (typeof md5 === "string") {
    if (Buffer.from(md5, "base64").length !== 16) return reject(400, "InvalidDigest", "The Content-MD5 you specified was invalid.");
    plan.md5 = md5;
  }
  // CompleteMultipartUpload's x-amz-checksum-* is the whole object's, not its XML body's.
  for (const [name, value] of completesUpload ? [] : Object.entries(headers)) {
    if (name.startsWith("x-amz-checksum-") && name !== "x-amz-checksum-algorithm" && name !== "x-amz-checksum-type" && name !== "x-amz-checksum-mode" && typeof value === "string") {
      if (checksumFor(name) !== undefined) plan.checksumHeaders.set(name, value);
    }
  }
  if (chunked) {
    const decoded = headers["x-amz-decoded-content-length"];
    if (typeof decoded !== "string" || !/^\d+$/.test(decoded)) {
      return reject(411, "MissingContentLength", "You must provide the x-amz-decoded-content-length HTTP header.");
    }
    plan.decodedLength = Number(decoded);
    const trailer = headers["x-amz-trailer"];
    if (typeof trailer === "string") plan.trailers = trailer.split(",").map((name) => name.trim().toLowerCase()).filter((name) => checksumFor(name) !== undefined);
  }
  const nothing = plan.sha256 === undefined && plan.md5 === undefined && plan.checksumHeaders.size === 0 && !chunked;
  return nothing ? undefined : plan;
}

/** A running checksum for header `name`, or `undefined` for one not verified here (CRC32C, CRC64NVME). */
function checksumFor(name: string): Checksum | undefined {
  if (name === "x-amz-checksum-crc32") {
    let value = 0;
    return {
      name,
      update: (data) => {
        value = crc32(data, value);
      },
      value: () => {
        const bytes = Buffer.alloc(4);
        bytes.writeUInt32BE(value >>> 0);
        return bytes.toString("base64");
      },
    };
  }
  const algorithm = name === "x-amz-checksum-sha1" ? "sha1" : name === "x-amz-checksum-sha256" ? "sha256" : undefined;
  if (algorithm === undefined) return undefined;
  const hash = createHash(algorithm);
  return { name, update: (data) => hash.update(data), value: () => hash.digest("base64") };
}

function hmacHex(key: Uint8Array, text: string): string {
  return createHmac("sha256", key).update(text).digest("hex");
}

function chunkMismatch(): S3Rejection {
  return reject(403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided. Check your key and signing method.");
}
