import aws4 from "aws4";

/** The credentials a request is signed with (an `AwsCredentialIdentity` of the SDK, as its provider returns them). */
export interface SigningCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string | undefined;
}

/** One lean request as it will be sent: its path already percent-encoded (see `encodeKeyPath`), its query not yet. */
export interface RequestToSign {
  method: string;
  /** The encoded URL path, `/`-rooted, without a query. */
  path: string;
  query: Record<string, string>;
  /** Header names in lower case; `host` and `x-amz-content-sha256` included. */
  headers: Record<string, string>;
}

/**
 * Signs `request` with SigV4 in place: adds `x-amz-date` (the time `now`, in ms, which carries
 * the client's clock-skew offset), `x-amz-security-token` when the credentials have one, and
 * `authorization`. The signature itself is computed by `aws4`, which costs about half the CPU of
 * `@smithy/signature-v4` per request (11 against 23 µs here) mostly because it derives no HMAC
 * for its signing-key cache; the rule was "aws4 unless smithy is close". Headers are
 * never added or rewritten by aws4 (`doNotModifyHeaders`): every header sent is one set here or
 * by the caller, and every one of them is signed except those SigV4 leaves out (user-agent,
 * expect, range, connection).
 */
export function signRequest(request: RequestToSign, credentials: SigningCredentials, region: string, service: string, now: number): void {
  const headers = request.headers;
  const datetime = amzDate(now);
  headers["x-amz-date"] = datetime;
  if (credentials.sessionToken !== undefined && credentials.sessionToken !== "") headers["x-amz-security-token"] = credentials.sessionToken;
  const query = canonicalQuery(request.query);
  const signer = new aws4.RequestSigner(
    { method: request.method, host: headers.host, path: query === "" ? request.path : `${request.path}?${query}`, headers, service, region, doNotModifyHeaders: true },
    credentials,
  );
  // With doNotModifyHeaders aws4 would read the clock itself; the signed time must be the one sent.
  signer.datetime = datetime;
  headers.authorization = (signer.sign().headers as Record<string, string>).Authorization as string;
}

/** The last `x-amz-date` made, and its second: requests of the same second share the text. */
let lastDate = { second: Number.NaN, text: "" };

/** SigV4's `x-amz-date`: `YYYYMMDDTHHMMSSZ`, UTC. */
function amzDate(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second !== lastDate.second) lastDate = { second, text: new Date(second * 1000).toISOString().replace(/[:-]|\.\d{3}/g, "") };
  return lastDate.text;
}

/** The query as RFC 3986 text, which aws4 parses back and canonicalizes (sorted, fully encoded). */
function canonicalQuery(query: Record<string, string>): string {
  let text = "";
  for (const [name, value] of Object.entries(query)) {
    text += `${text === "" ? "" : "&"}${encodeRfc3986(name)}=${encodeRfc3986(value)}`;
  }
  return text;
}

const UNRESERVED = /^[A-Za-z0-9\-._~]*$/;

/** `text` percent-encoded as SigV4 canonical text wants it: RFC 3986 unreserved characters kept, everything else `%XX` of its UTF-8 bytes. */
export function encodeRfc3986(text: string): string {
  if (UNRESERVED.test(text)) return text;
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
