import type { Readable } from "node:stream";
import type { HttpResponse } from "@smithy/types";
import { collectBytes } from "@stowage/core";
import { getRetryAfterHint, isServerError, isThrottlingError, isTransientError } from "./sdk.js";
import { childText, xmlRoot } from "./xml-text.js";

/**
 * A failed lean request, shaped like the SDK's service errors so that one mapping
 * (`toStowageError`) and one retry classification serve both transports: `name` is S3's error
 * code, `$metadata.httpStatusCode` the status. The message is S3's `<Message>` only: the fields
 * of an error reply that echo the signed request (`StringToSign`, `CanonicalRequest`) are never
 * copied.
 */
export interface LeanError extends Error {
  $metadata: { httpStatusCode: number; requestId?: string; clockSkewCorrected?: true };
  $fault: "client" | "server";
  /** Response headers, for the retry strategy's `Retry-After` hint. */
  $response: { headers: Record<string, string>; statusCode: number };
}

/** What the SDK's error classification reads. */
type SdkErrorView = Parameters<typeof isTransientError>[0];

// A HEAD answer has no body, so it is named by status, as the SDK names it.
const HEAD_NAMES: Record<number, string> = {
  301: "PermanentRedirect",
  304: "NotModified",
  400: "BadRequest",
  403: "Forbidden",
  404: "NotFound",
  412: "PreconditionFailed",
  503: "ServiceUnavailable",
};

/** The error of a non-2xx lean response; reads (and so releases) its body. */
export async function errorFromResponse(response: HttpResponse, method: string): Promise<LeanError> {
  const status = response.statusCode;
  const body = response.body as Readable | undefined;
  // Even an empty HEAD answer must be read to its end, or its socket never returns to the pool.
  if (method === "HEAD") body?.resume();
  const text = method === "HEAD" || body === undefined ? "" : (await collectBytes(body)).toString("utf8");
  let code: string | undefined;
  let message: string | undefined;
  let requestId: string | undefined;
  if (text !== "") {
    try {
      const root = xmlRoot(text, "Error");
      if (root !== undefined) {
        code = stringOf(childText(root, "Code"));
        message = stringOf(childText(root, "Message"));
        requestId = stringOf(childText(root, "RequestId"));
      }
    } catch {
      // Not XML (a proxy's page): named by status below.
    }
  }
  const name = code ?? HEAD_NAMES[status] ?? (status >= 500 ? "InternalError" : `Http${status}`);
  const error = new Error(message ?? `${name} (HTTP ${status})`) as LeanError;
  error.name = name;
  error.$metadata = { httpStatusCode: status, ...(requestId === undefined ? {} : { requestId }) };
  error.$fault = status >= 500 ? "server" : "client";
  error.$response = { headers: response.headers, statusCode: status };
  return error;
}

/**
 * The SDK's classification of a failed attempt (its retry middleware's `getRetryErrorInfo`), from
 * `@smithy/core/retry`: throttling, transient (socket resets, timeouts, 500/502/503/504, a
 * corrected clock skew), other server errors, else a client error; with `Retry-After` when sent.
 */
export function retryErrorInfo(error: unknown): { errorType: "THROTTLING" | "TRANSIENT" | "SERVER_ERROR" | "CLIENT_ERROR"; retryAfterHint?: Date } {
  const sdk = error as SdkErrorView;
  const errorType = isThrottlingError(sdk) ? "THROTTLING" : isTransientError(sdk) ? "TRANSIENT" : isServerError(sdk) ? "SERVER_ERROR" : "CLIENT_ERROR";
  const response = (error as Partial<LeanError> | null)?.$response;
  const hint = response === undefined ? undefined : getRetryAfterHint(response);
  return { errorType, ...(hint === undefined ? {} : { retryAfterHint: hint }) };
}

function stringOf(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}
