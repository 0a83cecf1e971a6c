/**
 * An incremental decoder of S3's aws-chunked bodies (`Content-Encoding: aws-chunked`), as AWS
 * documents them for SigV4 streaming uploads:
 * `<hex size>[;chunk-signature=<sig>]\r\n<data>\r\n` … `0[;chunk-signature=<sig>]\r\n`, then
 * trailing headers (`x-amz-checksum-crc32:<base64>\r\n`, optionally
 * `x-amz-trailer-signature:<sig>\r\n`) and an empty line. It holds at most one framing line.
 */
import { createHash, type Hash } from "node:crypto";
import { reject, type S3Rejection } from "./s3-errors.js";

/** What the decoder reports; a returned rejection stops the decoding. */
export interface ChunkEvents {
  /** Payload bytes, in order. */
  data(data: Buffer): void;
  /** A chunk ended: the hex SHA-256 of its data and the signature it came with (signed chunks only). */
  chunkSigned: ((sha256: string, signature: string) => S3Rejection | undefined) | undefined;
  /** A trailing header (lower-case name). */
  trailer(name: string, value: string): void;
  /** The trailer's signature and the canonical text it signs (`name:value\n` per header). */
  trailerSigned: ((canonicalTrailer: string, signature: string) => S3Rejection | undefined) | undefined;
  /** The body ended after a complete final chunk and trailer: the last checks. */
  end(): S3Rejection | undefined;
}

/** The longest framing line accepted (a size, a chunk signature, or a trailing header). */
const MAX_LINE = 4096;

type State = "size" | "data" | "data-end" | "trailer" | "done";

/** Feeds aws-chunked bytes, reports the payload and checks the framing. */
export class ChunkDecoder {
  #state: State = "size";
  #line: Buffer[] = [];
  #lineLength = 0;
  #remaining = 0;
  #signature = "";
  #chunkHash: Hash | undefined;
  #trailer = "";

  constructor(private readonly events: ChunkEvents) {}

  /** Decodes the next bytes of the body; a rejection when they break the format or a signature. */
  write(bytes: Buffer): S3Rejection | undefined {
    let at = 0;
    while (at < bytes.length) {
      if (this.#state === "data") {
        const take = Math.min(this.#remaining, bytes.length - at);
        const data = bytes.subarray(at, at + take);
        this.#chunkHash?.update(data);
        this.events.data(data);
        this.#remaining -= take;
        at += take;
        if (this.#remaining === 0) this.#state = "data-end";
        continue;
      }
      if (this.#state === "done") return malformed();
      const newline = bytes.indexOf(10, at);
      const end = newline < 0 ? bytes.length : newline + 1;
      this.#line.push(bytes.subarray(at, end));
      this.#lineLength += end - at;
      at = end;
      if (this.#lineLength > MAX_LINE) return malformed();
      if (newline < 0) continue;
      const line = Buffer.concat(this.#line).toString("latin1");
      this.#line = [];
      this.#lineLength = 0;
      if (!line.endsWith("\r\n")) return malformed();
      const failure = this.#onLine(line.slice(0, -2));
      if (failure !== undefined) return failure;
    }
    return undefined;
  }

  /** The body ended: a rejection unless it ended exactly after the trailer. */
  end(): S3Rejection | undefined {
    if (this.#state !== "done") return malformed();
    return this.events.end();
  }

  #onLine(line: string): S3Rejection | undefined {
    switch (this.#state) {
      case "data-end":
        if (line !== "") return malformed();
        this.#state = "size";
        return this.#chunkEnded();
      case "size": {
        const match = /^([0-9a-fA-F]{1,16})(?:;chunk-signature=([0-9a-f]{64}))?$/.exec(line);
        if (match === null || (this.events.chunkSigned !== undefined) !== (match[2] !== undefined)) return malformed();
        this.#remaining = Number.parseInt(match[1] ?? "", 16);
        this.#signature = match[2] ?? "";
        this.#chunkHash = this.events.chunkSigned === undefined ? undefined : createHash("sha256");
        if (this.#remaining > 0) {
          this.#state = "data";
          return undefined;
        }
        this.#state = "trailer";
        return this.#chunkEnded();
      }
      case "trailer":
        return this.#onTrailer(line);
      default:
        return malformed();
    }
  }

  #chunkEnded(): S3Rejection | undefined {
    const hash = this.#chunkHash?.digest("hex");
    return hash === undefined ? undefined : this.events.chunkSigned?.(hash, this.#signature);
  }

  #onTrailer(line: string): S3Rejection | undefined {
    if (line === "") {
      this.#state = "done";
      return undefined;
    }
    const colon = line.indexOf(":");
    if (colon < 0) return malformed();
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === "x-amz-trailer-signature") {
      if (this.events.trailerSigned === undefined) return malformed();
      return this.events.trailerSigned(this.#trailer, value);
    }
    this.#trailer += `${name}:${value}\n`;
    this.events.trailer(name, value);
    return undefined;
  }
}

function malformed(): S3Rejection {
  return reject(400, "IncompleteBody", "The request body is not a well-formed aws-chunked payload, or it ended early.");
}
