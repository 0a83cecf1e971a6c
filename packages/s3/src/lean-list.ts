import type { Readable } from "node:stream";
import type { ListObjectsV2CommandOutput, _Object } from "@aws-sdk/client-s3";
import { collectBytes } from "@stowage/core";
import { XMLParser } from "fast-xml-parser";
import { discardBody, type LeanTransport } from "./lean-transport.js";

/** A listing request: ListObjectsV2 of `prefix`, one page. */
export interface LeanListRequest {
  prefix: string;
  delimiter?: string | undefined;
  maxKeys?: number | undefined;
  token?: string | undefined;
  signal?: AbortSignal | undefined;
}

// Values stay strings (a key "0012" is not a number), whitespace is kept (a key may end in a
// space), and the elements that repeat are arrays even when one is present.
const parser = new XMLParser({
  parseTagValue: false,
  trimValues: false,
  ignoreAttributes: true,
  isArray: (name) => name === "Contents" || name === "CommonPrefixes",
});

/**
 * One ListObjectsV2 page through the lean transport, as the SDK would deserialize it (the fields
 * stowage reads). Asked with `encoding-type=url`, as rclone does: XML 1.0 cannot carry some
 * characters a key may hold. Keys are decoded only when the reply says `EncodingType` is `url`
 * (a server that ignores the parameter sends them raw).
 */
export async function leanListPage(lean: LeanTransport, request: LeanListRequest): Promise<ListObjectsV2CommandOutput> {
  const query: Record<string, string> = { "list-type": "2", prefix: request.prefix, "encoding-type": "url" };
  if (request.delimiter !== undefined) query.delimiter = request.delimiter;
  if (request.maxKeys !== undefined) query["max-keys"] = String(request.maxKeys);
  if (request.token !== undefined) query["continuation-token"] = request.token;
  const response = await lean.send({ method: "GET", query, signal: request.signal });
  let text: string;
  try {
    text = (await collectBytes(response.body as Readable)).toString("utf8");
  } catch (error) {
    discardBody(response);
    throw error;
  }
  return parseListPage(text);
}

interface RawPage {
  ListBucketResult?: {
    Contents?: Array<{ Key?: string; LastModified?: string; ETag?: string; Size?: string }>;
    CommonPrefixes?: Array<{ Prefix?: string }>;
    IsTruncated?: string;
    NextContinuationToken?: string;
    EncodingType?: string;
  };
}

/** A ListObjectsV2 reply's XML as the SDK's output shape; an unreadable reply throws. */
export function parseListPage(xml: string): ListObjectsV2CommandOutput {
  // The parser is lenient: a reply cut short would parse as a shorter, final page, and a sync
  // would read the missing keys as deleted. A whole reply ends with its root's closing tag.
  if (!/<\/ListBucketResult>\s*$/.test(xml)) throw new Error("ListObjectsV2 reply is not a whole ListBucketResult document");
  const result = (parser.parse(xml) as RawPage).ListBucketResult;
  if (result === undefined || typeof result !== "object" || result.IsTruncated === undefined) {
    throw new Error("ListObjectsV2 reply without ListBucketResult and IsTruncated");
  }
  const decode = result.EncodingType === "url" ? urlDecode : (value: string) => value;
  const contents: _Object[] = (result.Contents ?? []).map((entry) => ({
    ...(entry.Key === undefined ? {} : { Key: decode(entry.Key) }),
    ...(entry.LastModified === undefined ? {} : { LastModified: new Date(entry.LastModified) }),
    ...(entry.ETag === undefined ? {} : { ETag: entry.ETag }),
    Size: entry.Size === undefined ? 0 : Number(entry.Size),
  }));
  return {
    $metadata: {},
    Contents: contents,
    CommonPrefixes: (result.CommonPrefixes ?? []).map((common) => (common.Prefix === undefined ? {} : { Prefix: decode(common.Prefix) })),
    IsTruncated: result.IsTruncated === "true",
    ...(result.NextContinuationToken === undefined || result.NextContinuationToken === "" ? {} : { NextContinuationToken: result.NextContinuationToken }),
  };
}

/** S3's `encoding-type=url` form: percent-encoded UTF-8, a space possibly as `+`. */
function urlDecode(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, " "));
}
