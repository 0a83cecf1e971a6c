import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RedisStorage } from "@stowage/redis";
import { startRedis, type RedisServer } from "@stowage/testkit/redis";
import { jsonText } from "../src/json-text.js";
import { stowage } from "./helpers/run-cli.js";

/*
 * Issue 24 items 1 and 6: JSON output prints times as rclone lsjson does, RFC 3339 with 9 digits,
 * from the backend's time in ns (JSON.stringify throws on a BigInt); stat shows the content type.
 */
const NS = 1_620_284_889_123_456_789n;
const BEFORE_1970 = -1_500_000_001n; // 1969-12-31T23:59:58.499999999Z

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
  const storage = new RedisStorage({ url: redis.url });
  await storage.write("d/page.html", "<p>", { mtimeNs: NS });
  await storage.write("d/old.bin", "x", { mtimeNs: BEFORE_1970, contentType: "application/x-stowage-test" });
  await storage.close();
});
afterAll(() => redis?.stop());

describe("times in JSON output, to the nanosecond", () => {
  it("stat --json prints mtime with 9 fraction digits and the content type; plain stat shows the type", async () => {
    const json = await stowage(["stat", "--json", `${redis.url}::d/page.html`]);
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.out)).toMatchObject({ path: "d/page.html", size: 3, mtime: "2021-05-06T07:08:09.123456789Z", contentType: "text/html; charset=utf-8" });
    const before = await stowage(["stat", "--json", `${redis.url}::d/old.bin`]);
    expect(JSON.parse(before.out)).toMatchObject({ mtime: "1969-12-31T23:59:58.499999999Z", contentType: "application/x-stowage-test" });
    const plain = await stowage(["stat", `${redis.url}::d/page.html`]);
    expect(plain.out).toMatch(/^type {3}text\/html; charset=utf-8$/m);
    expect(plain.out).toMatch(/^mtime {2}2021-05-06 07:08:09 UTC \(2021-05-06T07:08:09\.123456789Z\)$/m);
  });

  it("ls -l --json prints the same times, and the long listing stays to the second", async () => {
    const json = await stowage(["ls", "-rl", "--json", `${redis.url}::d`]);
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.out)).toEqual([
      expect.objectContaining({ path: "d/old.bin", mtime: "1969-12-31T23:59:58.499999999Z" }),
      expect.objectContaining({ path: "d/page.html", mtime: "2021-05-06T07:08:09.123456789Z" }),
    ]);
    const long = await stowage(["ls", "-rl", `${redis.url}::d`]);
    expect(long.out).toMatch(/2021-05-06 07:08:09 {2}d\/page\.html/);
  });

  it("a BigInt never makes JSON output throw", () => {
    expect(jsonText({ mtimeNs: NS, nested: [1n] })).toBe('{"mtimeNs":"1620284889123456789","nested":["1"]}');
  });
});
