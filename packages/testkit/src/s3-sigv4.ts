/**
 * What AWS checks of a request's Signature Version 4 before S3 acts on it, for the test server:
 * the signature in the `Authorization` header or in the query string (presigned URLs), recomputed
 * with `@smithy/signature-v4` from the known secret of the access key; the session token; the
 * clock skew; the expiry of presigned URLs; and that every `x-amz-*` header is signed. The rules
 * and the error codes follow AWS's "Authenticating Requests (AWS Signature Version 4)" for S3.
 */
import { timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { Sha256 } from "@smithy/core/checksum";
import { escapeUri } from "@smithy/core/protocols";
import { ALGORITHM_IDENTIFIER, MAX_PRESIGNED_TTL, SignatureV4, UNSIGNED_PAYLOAD, createScope, getCanonicalHeaders, getSigningKey } from "@smithy/signature-v4";
import { reject, type S3Rejection } from "./s3-errors.js";

/** Credentials the test server knows: requests signed with anything else are refused. */
export interface S3TestAccount {
  accessKeyId: string;
  secretAccessKey: string;
  /**
   * The session token of temporary credentials. When set, every request must carry it
   * (`x-amz-security-token`, or `X-Amz-Security-Token` in a presigned URL); when unset, none may.
   */
  sessionToken?: string;
}

/** What the checks know: the accounts, the server's region and its clock. */
export interface SignatureContext {
  /** Known accounts by access key id. */
  accounts: ReadonlyMap<string, S3TestAccount>;
  /** The only region a request may be signed for (S3 answers for its bucket's region only); `undefined`: any. */
  region: string | undefined;
  /** The server's clock, in ms since the epoch. */
  now(): number;
}

/** What the checks read of a request: method, URL as sent (path and query, still encoded), headers. */
export interface SignedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

/** A request whose signature holds, and what its body must be checked against. */
export interface VerifiedSignature {
  /** Whether the signature came in the query string. */
  presigned: boolean;
  /** The payload hash signed: hex SHA-256, `UNSIGNED-PAYLOAD` or `STREAMING-…`. */
  payloadHash: string;
  /** The request's signature (hex): the seed of aws-chunked chunk signatures. */
  signature: string;
  /** `x-amz-date`, `YYYYMMDDTHHMMSSZ`. */
  longDate: string;
  /** The credential scope, `date/region/s3/aws4_request`. */
  scope: string;
  /** The signing key derived from the secret for this scope. */
  signingKey: Uint8Array;
}

/** How far a request's clock may be from the server's: 15 minutes, as on S3. */
export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

/** The signer's request shape (`@smithy/types` is not a dependency of its own). */
type HttpRequest = Parameters<typeof getCanonicalHeaders>[0];
type HeaderBag = HttpRequest["headers"];
type QueryParameterBag = NonNullable<HttpRequest["query"]>;

/** SignatureV4 with its canonicalisation opened up: the server rebuilds what the client signed. */
class Recomputer extends SignatureV4 {
  constructor() {
    // S3 signs the path as sent (no normalisation of `.`/`..`/`//`): the caller canonicalises it.
    super({ credentials: { accessKeyId: "", secretAccessKey: "" }, region: "", service: "s3", sha256: Sha256, uriEscapePath: false });
  }
  canonical(request: HttpRequest, headers: HeaderBag, payloadHash: string): string {
    return this.createCanonicalRequest(request, headers, payloadHash);
  }
  stringToSign(longDate: string, scope: string, canonicalRequest: string): Promise<string> {
    return this.createStringToSign(longDate, scope, canonicalRequest, ALGORITHM_IDENTIFIER);
  }
}

const recomputer = new Recomputer();

/** The fields a signature comes with, from the header or the query string. */
interface Claim {
  presigned: boolean;
  credential: string;
  signedHeaders: string;
  signature: string;
  longDate: string | undefined;
  token: string | undefined;
  expires: string | undefined;
}

/**
 * Checks the signature of `request` as S3 does. Resolves to the verified signature, or to the
 * rejection S3 would answer with (`AccessDenied`, `InvalidAccessKeyId`, `SignatureDoesNotMatch`,
 * `RequestTimeTooSkewed`, `InvalidToken`, `AuthorizationHeaderMalformed`, ...).
 */
export async function verifySignature(request: SignedRequest, context: SignatureContext): Promise<VerifiedSignature | S3Rejection> {
  const queryAt = request.url.indexOf("?");
  const rawPath = queryAt < 0 ? request.url : request.url.slice(0, queryAt);
  const query = parseQuery(queryAt < 0 ? "" : request.url.slice(queryAt + 1));
  if (query === undefined) return reject(400, "InvalidURI", "Couldn't parse the specified URI.");
  const claim = claimOf(request.headers, query);
  if ("code" in claim) return claim;
  const malformed = claim.presigned ? "AuthorizationQueryParametersError" : "AuthorizationHeaderMalformed";
  const [accessKeyId = "", shortDate = "", region = "", service = "", terminator = "", ...rest] = claim.credential.split("/");
  if (rest.length > 0 || terminator !== "aws4_request" || service !== "s3") {
    return reject(400, malformed, `The authorization is malformed; the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".`);
  }
  const account = context.accounts.get(accessKeyId);
  if (account === undefined) return invalidKey(accessKeyId);
  if (context.region !== undefined && region !== context.region) return reject(400, malformed, `The authorization is malformed; the region '${region}' is wrong; expecting '${context.region}'`);
  const signedAt = claim.longDate === undefined ? undefined : parseLongDate(claim.longDate);
  if (claim.longDate === undefined || signedAt === undefined) {
    return reject(403, "AccessDenied", "AWS authentication requires a valid Date or x-amz-date header");
  }
  if (claim.longDate.slice(0, 8) !== shortDate) {
    return reject(400, malformed, "The authorization is malformed; Invalid credential date. Date is not the same as X-Amz-Date.");
  }
  const timing = checkTime(claim, signedAt, context.now());
  if (timing !== undefined) return timing;
  if (account.sessionToken === undefined ? claim.token !== undefined : claim.token !== account.sessionToken) {
    if (claim.token === undefined) return invalidKey(accessKeyId);
    return reject(400, "InvalidToken", "The provided token is malformed or otherwise invalid.");
  }
  const signed = claim.signedHeaders.split(";");
  const missing = signedHeadersMissing(signed, request.headers, claim.presigned);
  if (missing !== undefined) return missing;
  const payloadHash = claim.presigned ? presignedPayloadHash(query) : request.headers["x-amz-content-sha256"];
  if (payloadHash === undefined || Array.isArray(payloadHash)) {
    return reject(400, "InvalidRequest", "Missing required header for this request: x-amz-content-sha256");
  }
  const path = canonicalPath(rawPath);
  if (path === undefined) return reject(400, "InvalidURI", "Couldn't parse the specified URI.");
  const headers: HeaderBag = {};
  for (const name of signed) headers[name] = headerValue(request.headers[name]);
  const httpRequest = { method: request.method, protocol: "http:", hostname: "", path, query, headers } as HttpRequest;
  const canonicalHeaders = getCanonicalHeaders(httpRequest, undefined, new Set(signed));
  const canonicalRequest = recomputer.canonical(httpRequest, canonicalHeaders, payloadHash);
  const scope = createScope(shortDate, region, service);
  const stringToSign = await recomputer.stringToSign(claim.longDate, scope, canonicalRequest);
  const signingKey = await getSigningKey(Sha256, account, shortDate, region, service);
  const hmac = new Sha256(signingKey);
  hmac.update(Buffer.from(stringToSign));
  const expected = Buffer.from(await hmac.digest()).toString("hex");
  if (!sameText(expected, claim.signature)) {
    return reject(403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided. Check your key and signing method.", [
      ["AWSAccessKeyId", accessKeyId],
      ["StringToSign", stringToSign],
      ["SignatureProvided", claim.signature],
      ["CanonicalRequest", canonicalRequest],
    ]);
  }
  return { presigned: claim.presigned, payloadHash, signature: expected, longDate: claim.longDate, scope, signingKey };
}

/** The signature's fields from the `Authorization` header or the `X-Amz-*` query parameters. */
function claimOf(headers: IncomingHttpHeaders, query: QueryParameterBag): Claim | S3Rejection {
  const authorization = headers.authorization;
  const algorithm = query["X-Amz-Algorithm"];
  if (authorization !== undefined && algorithm !== undefined) {
    return reject(400, "InvalidArgument", "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified");
  }
  if (algorithm !== undefined) {
    const field = (name: string): string | undefined => {
      const value = query[name];
      return typeof value === "string" ? value : undefined;
    };
    const [credential, signedHeaders, signature] = [field("X-Amz-Credential"), field("X-Amz-SignedHeaders"), field("X-Amz-Signature")];
    if (algorithm !== ALGORITHM_IDENTIFIER || credential === undefined || signedHeaders === undefined || signature === undefined) {
      return reject(400, "AuthorizationQueryParametersError", "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.");
    }
    return { presigned: true, credential, signedHeaders, signature, longDate: field("X-Amz-Date"), token: field("X-Amz-Security-Token"), expires: field("X-Amz-Expires") };
  }
  if (authorization === undefined) return reject(403, "AccessDenied", "Access Denied");
  const match = /^AWS4-HMAC-SHA256 +Credential=([^,\s]+), *SignedHeaders=([^,\s]+), *Signature=([0-9a-f]{64})$/.exec(authorization);
  if (match === null) {
    if (!authorization.startsWith(`${ALGORITHM_IDENTIFIER} `)) {
      return reject(400, "InvalidRequest", "The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.");
    }
    return reject(400, "AuthorizationHeaderMalformed", "The authorization header is malformed; it must read 'AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…'.");
  }
  const token = headers["x-amz-security-token"];
  return {
    presigned: false,
    credential: match[1] ?? "",
    signedHeaders: match[2] ?? "",
    signature: match[3] ?? "",
    longDate: headerValue(headers["x-amz-date"]) || undefined,
    token: token === undefined ? undefined : headerValue(token),
    expires: undefined,
  };
}

/** Clock skew (both kinds) and the expiry of a presigned URL. */
function checkTime(claim: Claim, signedAt: number, now: number): S3Rejection | undefined {
  if (claim.presigned) {
    const expires = Number(claim.expires);
    if (claim.expires === undefined || !/^\d+$/.test(claim.expires)) {
      return reject(400, "AuthorizationQueryParametersError", "X-Amz-Expires should be a number");
    }
    if (expires > MAX_PRESIGNED_TTL) {
      return reject(400, "AuthorizationQueryParametersError", `X-Amz-Expires must be less than a week (in seconds) that is; ${MAX_PRESIGNED_TTL}`);
    }
    if (signedAt - now > MAX_CLOCK_SKEW_MS) return skewed(signedAt, now);
    if (now > signedAt + expires * 1000) return reject(403, "AccessDenied", "Request has expired", [["X-Amz-Expires", claim.expires]]);
    return undefined;
  }
  return Math.abs(now - signedAt) > MAX_CLOCK_SKEW_MS ? skewed(signedAt, now) : undefined;
}

function skewed(signedAt: number, now: number): S3Rejection {
  return reject(403, "RequestTimeTooSkewed", "The difference between the request time and the current time is too large.", [
    ["RequestTime", new Date(signedAt).toISOString()],
    ["ServerTime", new Date(now).toISOString()],
    ["MaxAllowedSkewMilliseconds", String(MAX_CLOCK_SKEW_MS)],
  ]);
}

function invalidKey(accessKeyId: string): S3Rejection {
  return reject(403, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.", [["AWSAccessKeyId", accessKeyId]]);
}

/**
 * S3 refuses `x-amz-*` headers left out of the signature (`HeadersNotSigned`), and a header
 * signature must cover `host`.
 */
function signedHeadersMissing(signed: readonly string[], headers: IncomingHttpHeaders, presigned: boolean): S3Rejection | undefined {
  if (!signed.includes("host")) {
    return reject(400, presigned ? "AuthorizationQueryParametersError" : "AuthorizationHeaderMalformed", "The authorization is malformed; SignedHeaders must include host.");
  }
  const unsigned = Object.keys(headers).filter((name) => name.startsWith("x-amz-") && !signed.includes(name));
  if (unsigned.length === 0) return undefined;
  return reject(403, "AccessDenied", "There were headers present in the request which were not signed", [["HeadersNotSigned", unsigned.join(", ")]]);
}

/** A presigned URL signs `UNSIGNED-PAYLOAD` unless it names a hash (`X-Amz-Content-Sha256`). */
function presignedPayloadHash(query: QueryParameterBag): string {
  for (const [name, value] of Object.entries(query)) {
    if (name.toLowerCase() === "x-amz-content-sha256" && typeof value === "string") return value;
  }
  return UNSIGNED_PAYLOAD;
}

/**
 * S3's canonical URI: every segment of the path decoded, then URI-encoded (RFC 3986 unreserved
 * characters kept), with no `.`, `..` or empty segment removed. `undefined` for a bad `%` escape.
 */
function canonicalPath(rawPath: string): string | undefined {
  try {
    return rawPath
      .split("/")
      .map((segment) => escapeUri(decodeURIComponent(segment)))
      .join("/");
  } catch {
    return undefined;
  }
}

/** The query string as the signer takes it: decoded names and values, repeated names as arrays. */
function parseQuery(raw: string): QueryParameterBag | undefined {
  const query: QueryParameterBag = {};
  if (raw === "") return query;
  try {
    for (const pair of raw.split("&")) {
      if (pair === "") continue;
      const at = pair.indexOf("=");
      const name = decodeURIComponent(at < 0 ? pair : pair.slice(0, at));
      const value = at < 0 ? "" : decodeURIComponent(pair.slice(at + 1));
      const earlier = query[name];
      query[name] = earlier === undefined || earlier === null ? value : [...(Array.isArray(earlier) ? earlier : [earlier]), value];
    }
  } catch {
    return undefined;
  }
  return query;
}

/** `YYYYMMDDTHHMMSSZ` in ms since the epoch, or `undefined`. */
function parseLongDate(text: string): number | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (match === null) return undefined;
  const [, year, month, day, hour, minute, second] = match.map(Number) as number[];
  const time = Date.UTC(year ?? 0, (month ?? 1) - 1, day, hour, minute, second);
  return Number.isNaN(time) ? undefined : time;
}

/** One header's value as signed: repeated headers joined with commas. */
function headerValue(value: string | string[] | undefined): string {
  if (value === undefined) return "";
  return Array.isArray(value) ? value.join(",") : value;
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
