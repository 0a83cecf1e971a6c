/** A stand-in for AWS refusing bad credentials, whatever the request. */
import { createServer } from "node:http";
import { xmlText } from "./s3-errors.js";

/** An endpoint started by {@link startRejectingS3Endpoint}. */
export interface RejectingS3Endpoint {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  /** Stops it. */
  close(): Promise<void>;
}

/**
 * An HTTP endpoint on loopback answering every request as AWS answers one signed with the wrong
 * secret key: 403 `SignatureDoesNotMatch`, the body echoing the canonical request (the
 * `x-amz-security-token` header's value among it) and the string to sign, whatever the request:
 * for tests of what a client does with such a reply (such as keeping secrets out of messages).
 */
export async function startRejectingS3Endpoint(): Promise<RejectingS3Endpoint> {
  const server = createServer((request, response) => {
    request.resume();
    const token = String(request.headers["x-amz-security-token"] ?? "");
    const canonical = `${request.method}\n${request.url}\n\nhost:${request.headers.host}\nx-amz-security-token:${token}\n`;
    response.writeHead(403, { "content-type": "application/xml" });
    response.end(
      `<?xml version="1.0" encoding="UTF-8"?><Error><Code>SignatureDoesNotMatch</Code>` +
        `<Message>The request signature we calculated does not match the signature you provided.</Message>` +
        `<StringToSign>AWS4-HMAC-SHA256\n${token}</StringToSign><SignatureProvided>0</SignatureProvided>` +
        `<CanonicalRequest>${xmlText(canonical)}</CanonicalRequest><RequestId>1</RequestId></Error>`,
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("the rejecting endpoint did not bind a TCP port");
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
