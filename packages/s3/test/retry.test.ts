import { randomBytes } from "node:crypto";
import { S3Client } from "@aws-sdk/client-s3";
import { collectBytes, isStowageError } from "@stowage/core";
import { faultyClientConfig, type FaultPlan } from "@stowage/testkit/s3";
import { describe, expect, it } from "vitest";
import { DEFAULT_S3_RETRY, S3RetryStrategy, S3Storage, type S3StorageOptions } from "../src/index.js";
import { useS3Server } from "./s3-fixture.js";

const { server } = useS3Server();

/** Millisecond waits, so that ten attempts take no time. */
const QUICK = { baseDelayMs: 1, maxDelayMs: 5 };

/** A storage whose requests go through `plan`, with the counts of what the plan did. */
function faulty(plan: FaultPlan, options: Partial<S3StorageOptions> = {}) {
  const wire = faultyClientConfig(server().clientConfig, plan);
  const s3 = new S3Storage({
    bucket: server().bucket,
    prefix: `r-${randomBytes(4).toString("hex")}`,
    clientConfig: wire.clientConfig,
    retry: QUICK,
    ...options,
  } as S3StorageOptions);
  return { s3, counts: wire.counts };
}

const isHead = (name: string): FaultPlan => (request) => (request.method === "HEAD" && request.path.endsWith(`/${name}`) ? { kind: "reset-before" } : undefined);

describe("S3RetryStrategy, the retries of the clients S3Storage builds", () => {
  it("retries a transient fault up to 10 attempts (the SDK's standard retries give up after 3)", async () => {
    const { s3, counts } = faulty((request) => (request.seen < 9 ? isHead("nothing-here")(request) : undefined));
    expect(await s3.exists("nothing-here")).toBe(false);
    expect(counts["reset-before"]).toBe(9);
    s3.close();
  });

  it("past maxAttempts the failure is final and typed (E_UNAVAILABLE), after exactly maxAttempts requests", async () => {
    const { s3, counts } = faulty(isHead("x"));
    const error = await s3.exists("x").catch((reason: unknown) => reason);
    expect(isStowageError(error, "E_UNAVAILABLE"), String(error)).toBe(true);
    expect(counts["reset-before"]).toBe(DEFAULT_S3_RETRY.maxAttempts);
    s3.close();
  });

  it("does not retry an answer that is not a fault (403 AccessDenied): E_IO at the first attempt", async () => {
    const { s3, counts } = faulty((request) => (request.method === "GET" ? { kind: "reply", status: 403, code: "AccessDenied" } : undefined));
    const error = await s3.read("x").catch((reason: unknown) => reason);
    expect(isStowageError(error, "E_IO"), String(error)).toBe(true);
    expect(counts.reply).toBe(1);
    s3.close();
  });

  it("retries a buffered PutObject whose answer was lost: the write succeeds, the bytes are right", async () => {
    const { s3, counts } = faulty((request) => (request.method === "PUT" && request.seen === 0 ? { kind: "reset-after" } : undefined));
    await s3.write("doc", "the content");
    expect(counts["reset-after"]).toBe(1);
    expect((await collectBytes(await s3.read("doc"))).toString()).toBe("the content");
    s3.close();
  });

  it("an outage: once a request's worth of attempts failed in a row, requests fail at their first attempt, until one succeeds", async () => {
    let down = true;
    const { s3, counts } = faulty((request) => (down && request.method === "HEAD" ? { kind: "reset-before" } : undefined));
    await expect(s3.exists("a")).rejects.toMatchObject({ code: "E_UNAVAILABLE" });
    expect(counts["reset-before"]).toBe(10);
    await expect(s3.exists("b")).rejects.toMatchObject({ code: "E_UNAVAILABLE" });
    expect(counts["reset-before"]).toBe(11);
    down = false;
    expect(await s3.exists("c")).toBe(false);
    down = true;
    await expect(s3.exists("d")).rejects.toMatchObject({ code: "E_UNAVAILABLE" });
    expect(counts["reset-before"]).toBe(21);
    s3.close();
  });

  it("many requests in flight, each failing a few times: more failures in a row than maxAttempts across them is no outage", async () => {
    // 24 HEADs at once, each failing its first 3 attempts: 72 faults, the first 24 of them in a row.
    const { s3, counts } = faulty((request) => (request.method === "HEAD" && request.path.includes("/busy-") && request.seen < 3 ? { kind: "reset-before" } : undefined));
    const names = Array.from({ length: 24 }, (_, i) => `busy-${i}`);
    expect(await Promise.all(names.map((name) => s3.exists(name)))).toEqual(names.map(() => false));
    expect(counts["reset-before"]).toBe(72);
    s3.close();
  });

  it("takes maxAttempts from retry, else from clientConfig.maxAttempts, else from AWS_MAX_ATTEMPTS", async () => {
    const attempts = async (options: Partial<S3StorageOptions>): Promise<number> => {
      const { s3, counts } = faulty(isHead("x"), options);
      await s3.exists("x").catch(() => undefined);
      s3.close();
      return counts["reset-before"];
    };
    expect(await attempts({ retry: { ...QUICK, maxAttempts: 4 } })).toBe(4);
    const wire = faultyClientConfig(server().clientConfig, isHead("x"));
    const s3 = new S3Storage({ bucket: server().bucket, clientConfig: { ...wire.clientConfig, maxAttempts: 2 } });
    await s3.exists("x").catch(() => undefined);
    expect(wire.counts["reset-before"]).toBe(2);
    s3.close();
    const saved = process.env.AWS_MAX_ATTEMPTS;
    process.env.AWS_MAX_ATTEMPTS = "3";
    try {
      expect(await attempts({})).toBe(3);
    } finally {
      if (saved === undefined) delete process.env.AWS_MAX_ATTEMPTS;
      else process.env.AWS_MAX_ATTEMPTS = saved;
    }
  });

  it("hands retries to the SDK for a retryStrategy or retryMode in clientConfig, or AWS_RETRY_MODE without a retry option; rejects retry beside the first two", async () => {
    const theirs = {
      acquireInitialRetryToken: async () => ({ getRetryCount: () => 0, getRetryDelay: () => 0 }),
      refreshRetryTokenForRetry: async () => Promise.reject(new Error("no retries")),
      recordSuccess: () => undefined,
    };
    const s3 = new S3Storage({ bucket: "b", clientConfig: { ...server().clientConfig, retryStrategy: theirs } });
    expect(await s3.client.config.retryStrategy()).toBe(theirs);
    s3.close();
    const adaptive = new S3Storage({ bucket: "b", clientConfig: { ...server().clientConfig, retryMode: "adaptive" } });
    expect(await adaptive.client.config.retryStrategy()).not.toBeInstanceOf(S3RetryStrategy);
    adaptive.close();
    const ours = new S3Storage({ bucket: "b", clientConfig: server().clientConfig });
    expect(await ours.client.config.retryStrategy()).toBeInstanceOf(S3RetryStrategy);
    ours.close();
    const saved = process.env.AWS_RETRY_MODE;
    process.env.AWS_RETRY_MODE = "standard";
    try {
      const fromEnv = new S3Storage({ bucket: "b", clientConfig: server().clientConfig });
      expect(await fromEnv.client.config.retryStrategy()).not.toBeInstanceOf(S3RetryStrategy);
      fromEnv.close();
      const explicit = new S3Storage({ bucket: "b", clientConfig: server().clientConfig, retry: QUICK });
      expect(await explicit.client.config.retryStrategy()).toBeInstanceOf(S3RetryStrategy);
      explicit.close();
    } finally {
      if (saved === undefined) delete process.env.AWS_RETRY_MODE;
      else process.env.AWS_RETRY_MODE = saved;
    }
    const both = () => new S3Storage({ bucket: "b", clientConfig: { retryMode: "standard" }, retry: { maxAttempts: 3 } });
    expect(both).toThrow(expect.objectContaining({ code: "E_INVALID_OPTIONS" }));
  });

  it("rejects bad retry options with E_INVALID_OPTIONS naming the option, before any request", () => {
    for (const retry of [{ maxAttempts: 0 }, { maxAttempts: 1.5 }, { baseDelayMs: -1 }, { maxDelayMs: Number.NaN }]) {
      expect(() => new S3Storage({ bucket: "b", clientConfig: {}, retry })).toThrow(expect.objectContaining({ code: "E_INVALID_OPTIONS" }));
    }
    expect(() => new S3Client({ retryStrategy: new S3RetryStrategy({ maxAttempts: 2 }) })).not.toThrow();
  });
});
