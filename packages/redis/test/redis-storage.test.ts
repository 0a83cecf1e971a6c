import { afterAll, beforeAll, describe } from "vitest";
import { startRedis, type RedisServer } from "@stowage/testkit/redis";
import { storageBehaviour } from "./storage-behaviour.js";

let server: RedisServer;
beforeAll(async () => {
  server = await startRedis();
});
afterAll(() => server?.stop());

describe("RedisStorage on a standalone server (unix socket)", () => {
  storageBehaviour(() => ({ path: server.socket }));
});

describe("RedisStorage on a standalone server (url)", () => {
  storageBehaviour(() => ({ url: server.url }));
});
