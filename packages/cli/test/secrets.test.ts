import { RedisStorage } from "@stowage/redis";
import { startRedis, type RedisServer } from "@stowage/testkit/redis";
import { startRejectingS3Endpoint, type RejectingS3Endpoint } from "@stowage/testkit/s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXIT_CODES } from "../src/exit-codes.js";
import { stowage } from "./helpers/run-cli.js";

/*
 * Secrets planted in URLs and in the environment never reach the output, with -v (stack and every
 * cause printed) or without.
 */
const PASSWORD = "Pl4nted-Redis-pw";
const SECRET_KEY = "Pl4nted-SecretAccessKey-0123456789";
const SESSION_TOKEN = "Pl4nted-SessionToken-abcdefghijklmnop";

let redis: RedisServer;
let rejecting: RejectingS3Endpoint;
beforeAll(async () => {
  [redis, rejecting] = await Promise.all([startRedis(), startRejectingS3Endpoint()]);
  const admin = new RedisStorage({ url: redis.url });
  await admin.exists("x"); // connects
  await admin.client.config("SET", "requirepass", PASSWORD);
  await admin.close();
});
afterAll(async () => {
  await Promise.all([redis?.stop(), rejecting?.close()]);
});

describe("stowage never prints a secret", () => {
  it("a wrong Redis password: a prompt typed error, the password in no line of -v output", async () => {
    const wrong = `wrong-${PASSWORD}`;
    for (const password of [wrong, encodeURIComponent(`${wrong}/?`)]) {
      // The connect timeout is far above the test's: the answer comes from the server's refusal.
      const url = `redis://:${password}@${redis.host}:${redis.port}?connectTimeoutMs=120000`;
      for (const verbose of [["-v"], []]) {
        const result = await stowage([...verbose, "ls", url]);
        expect(result.code, "a refused option is a usage error, not an outage").toBe(EXIT_CODES.usage);
        expect(result.stderr).toMatch(/^stowage: RedisStorage: option 'password' was refused by the server: authentication failed \(WRONGPASS/m);
        for (const secret of [wrong, `${wrong}/?`, password]) expect(result.stderr).not.toContain(secret);
        if (verbose.length > 0) expect(result.stderr).toMatch(/InvalidOptionsError/);
      }
    }
  });

  it("a right Redis password in the URL is not printed when something else fails", async () => {
    const result = await stowage(["-v", "cat", `redis://:${PASSWORD}@${redis.host}:${redis.port}::missing.txt`]);
    expect(result.code).toBe(EXIT_CODES.notFound);
    expect(result.stderr).not.toContain(PASSWORD);
  });

  it("S3 credentials refused: neither the secret key nor the session token in -v output", async () => {
    const url = `s3://bucket/p?endpoint=${encodeURIComponent(rejecting.endpoint)}&forcePathStyle=true&region=us-east-1`;
    const env = { AWS_ACCESS_KEY_ID: "AKIDPLANTED", AWS_SECRET_ACCESS_KEY: SECRET_KEY, AWS_SESSION_TOKEN: SESSION_TOKEN, AWS_MAX_ATTEMPTS: "1" };
    for (const args of [["-v", "ls", url], ["-v", "put", "-", `${url}::k`], ["ls", url]]) {
      const result = await stowage(args, { env, input: "data" });
      expect(result.code, result.stderr).toBe(EXIT_CODES.failure);
      expect(result.stderr).toMatch(/was denied \(SignatureDoesNotMatch\)|denied/);
      expect(result.stderr).not.toContain(SECRET_KEY);
      expect(result.stderr).not.toContain(SESSION_TOKEN);
      expect(result.out).toBe("");
    }
  });

  it("a secret that is part of a name is not masked there: secret key 'test' leaves bucket stowage-test-x readable", async () => {
    const url = `s3://stowage-test-x/p?endpoint=${encodeURIComponent(rejecting.endpoint)}&forcePathStyle=true&region=us-east-1`;
    const env = { AWS_ACCESS_KEY_ID: "AKIDPLANTED", AWS_SECRET_ACCESS_KEY: "test", AWS_MAX_ATTEMPTS: "1" };
    const result = await stowage(["-v", "ls", url], { env });
    expect(result.code, result.stderr).toBe(EXIT_CODES.failure);
    expect(result.stderr).toContain("stowage-test-x");
    expect(result.stderr).not.toContain("stowage-***-x");
  });
});
