import { PassThrough, Readable } from "node:stream";
import { startS3Server, type S3TestServer } from "@stowage/testkit/s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run } from "../src/cli.js";
import { EXIT_CODES } from "../src/exit-codes.js";
import { Interrupt } from "../src/interrupt.js";

const PART = 5 * 1024 * 1024;
// The SDK's default credential chain reads the process's environment, not the CLI's `io.env`.
const CREDENTIALS = { AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test", AWS_EC2_METADATA_DISABLED: "true" };
const saved = Object.fromEntries(Object.keys(CREDENTIALS).map((name) => [name, process.env[name]]));
let server: S3TestServer;
beforeAll(async () => {
  Object.assign(process.env, CREDENTIALS);
  server = await startS3Server();
});
afterAll(async () => {
  await server?.stop();
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

/** Three parts of standard input, then nothing more while the pipe stays open: a `put -` still reading. */
function openStdin(): Readable {
  const stdin = new PassThrough();
  for (let i = 0; i < 3; i++) stdin.write(Buffer.alloc(PART, i));
  return stdin;
}

describe("interrupting put to S3 (issue 12: SIGINT cleanup of multipart uploads)", () => {
  it("an interrupted put - aborts its multipart upload: none is left, the old object stays, exit 130", async () => {
    const bucket = server.createBucket();
    const url = `s3://${bucket}/root?endpoint=${server.endpoint}&region=us-east-1&forcePathStyle=true&partSize=${PART}`;
    const env = { ...process.env, ...CREDENTIALS };
    const io = (stdin: Readable, signal: AbortSignal) => {
      const stderr = new PassThrough();
      const err: Buffer[] = [];
      stderr.on("data", (chunk: Buffer) => err.push(chunk));
      return { io: { stdin, stdout: new PassThrough(), stderr: stderr as unknown as NodeJS.WriteStream, cwd: process.cwd(), env, signal }, err };
    };
    const first = io(Readable.from([Buffer.from("old")]), new AbortController().signal);
    const firstCode = await run(["put", "-", `${url}::big.bin`], first.io);
    expect(Buffer.concat(first.err).toString()).toBe("");
    expect(firstCode).toBe(0);

    const controller = new AbortController();
    const second = io(openStdin(), controller.signal);
    const putting = run(["put", "-", `${url}::big.bin`], second.io);
    // Waits for a condition, not for a time: the multipart upload has begun.
    while (server.pendingMultipartUploads(bucket).length === 0) await new Promise((resolve) => setImmediate(resolve));
    controller.abort(new Interrupt("SIGINT"));
    expect(await putting).toBe(EXIT_CODES.interrupted);
    expect(Buffer.concat(second.err).toString()).toBe("stowage: interrupted by SIGINT\n");
    expect(server.pendingMultipartUploads(bucket)).toEqual([]);

    const out = new PassThrough();
    const got: Buffer[] = [];
    out.on("data", (chunk: Buffer) => got.push(chunk));
    const third = io(Readable.from([]), new AbortController().signal);
    expect(await run(["cat", `${url}::big.bin`], { ...third.io, stdout: out })).toBe(0);
    expect(Buffer.concat(got).toString()).toBe("old");
  });
});
