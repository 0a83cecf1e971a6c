import { createServer } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXIT_CODES } from "../src/exit-codes.js";
import { redisBackend, temporaryFolder } from "./helpers/backends.js";
import { stowage } from "./helpers/run-cli.js";

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

describe("reaching stores", () => {
  const unix = redisBackend("unix");
  beforeAll(() => unix.start());
  afterAll(() => unix.stop());

  it("redis+unix:// URLs reach Redis over its unix socket", async () => {
    const { url } = await unix.create();
    expect((await stowage(["put", "-", `${url}::a/b.txt`], { input: "over the socket" })).code).toBe(0);
    expect((await stowage(["cat", `${url}::a/b.txt`])).out).toBe("over the socket");
    expect((await stowage(["ls", "-r", url])).out).toBe("a/b.txt\n");
  });

  it("a Redis server that is not there: exit code 7, one line", async () => {
    const url = `redis://127.0.0.1:${await closedPort()}/0?connectTimeoutMs=300`;
    const result = await stowage(["ls", url]);
    expect(result.code).toBe(EXIT_CODES.unavailable);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toMatch(/^stowage: /);
  });

  it("an S3 endpoint that is not there: exit code 7", async () => {
    const url = `s3://bucket?endpoint=http://127.0.0.1:${await closedPort()}&region=us-east-1&forcePathStyle=true`;
    const result = await stowage(["ls", url], {
      env: { AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test", AWS_EC2_METADATA_DISABLED: "true", AWS_MAX_ATTEMPTS: "1" },
    });
    expect(result.stderr).toMatch(/^stowage: /);
    expect(result.code).toBe(EXIT_CODES.unavailable);
  });

  it("reading from a local folder that does not exist fails and creates nothing; writing creates it", async () => {
    const { path, cleanup } = await temporaryFolder();
    try {
      const missing = await stowage(["ls", "typo"], { cwd: path });
      expect(missing.code).toBe(EXIT_CODES.notFound);
      expect(missing.stderr).toBe(`stowage: no such store: ${join(path, "typo")}\n`);
      expect((await stowage(["ls", "."], { cwd: path })).out).toBe("");
      expect((await stowage(["put", "-", "new-store::x.txt"], { cwd: path, input: "x" })).code).toBe(0);
      expect((await stowage(["ls", "."], { cwd: path })).out).toBe("new-store/\n");
    } finally {
      await cleanup();
    }
  });
});
