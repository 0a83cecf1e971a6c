/**
 * S3's error replies, as the test server writes them: an HTTP status and the XML body S3 sends
 * (`<Error><Code>…</Code><Message>…</Message>…</Error>`), which the SDK maps to its error `name`.
 */

/** A request the test server refuses, as S3 would: status, S3 error `Code`, message and extra fields. */
export interface S3Rejection {
  /** HTTP status: 400 for malformed requests, 403 for authentication failures. */
  status: number;
  /** S3's error code, such as `SignatureDoesNotMatch`, `AccessDenied` or `BadDigest`. */
  code: string;
  /** S3's message for the code. */
  message: string;
  /** Further elements of the reply in order (`StringToSign`, `CanonicalRequest`, `HeadersNotSigned`...). */
  details?: Array<[name: string, value: string]>;
}

/** A rejection with S3's status, code and message; `details` are extra elements of its XML body. */
export function reject(status: number, code: string, message: string, details?: Array<[string, string]>): S3Rejection {
  return details === undefined ? { status, code, message } : { status, code, message, details };
}

/** The XML body of an S3 error reply. */
export function s3ErrorXml(code: string, message: string, details: ReadonlyArray<readonly [string, string]> = []): string {
  const extra = details.map(([name, value]) => `<${name}>${xmlText(value)}</${name}>`).join("");
  return `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${xmlText(message)}</Message>${extra}<RequestId>testkit</RequestId></Error>`;
}

/** `text` escaped for an XML element. */
export function xmlText(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
