import { PassThrough, type Readable } from "node:stream";

/**
 * `body`, passed through, except that its failures (a connection reset mid-body surfaces from the
 * socket as a bare `Error: aborted`) reach the reader as the errors `toTyped` makes. A reader that
 * stops early (destroys the stream) releases the body, and so its connection.
 */
export function withTypedErrors(body: Readable, toTyped: (error: unknown) => Error): Readable {
  const out = new PassThrough();
  body.once("error", (error) => out.destroy(toTyped(error)));
  out.once("close", () => {
    if (!body.destroyed) body.destroy();
  });
  body.pipe(out);
  return out;
}
