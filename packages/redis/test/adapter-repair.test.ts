import { randomUUID } from "node:crypto";
import { Adapter, defineModel } from "@stowage/core";
import { startRedis, type RedisServer } from "@stowage/testkit/redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RedisStore } from "../src/index.js";

class Site extends defineModel<{ name: string; devices: string[] }>()({
  type: "site",
  identifiers: ["name"],
  children: { host: "devices" },
}) {}

class Host extends defineModel<{ name: string; role: string }>()({
  type: "host",
  identifiers: ["name"],
  attributes: ["role"],
}) {}

class Sites extends Adapter {
  static override readonly models = [Site, Host];
  static override readonly topLevel = ["site"];
}

let server: RedisServer;
beforeAll(async () => {
  server = await startRedis();
});
afterAll(() => server?.stop());

describe("an Adapter sync into RedisStore repairs half-written families (issue 20)", () => {
  it("a parent listing a child that is stored nowhere and not in the source: the diff shows it, the sync unlists it", async () => {
    const source = new Sites({ name: "src" });
    await source.loadFromDict({ site: { a: { name: "a", devices: ["h1"] } }, host: { h1: { name: "h1", role: "edge" } } });
    const store = new RedisStore({ path: server.socket, storeId: randomUUID(), connectTimeoutMs: 15_000, models: [Site, Host] });
    try {
      const dest = new Sites({ name: "dst", store });
      // What a crash between the parent's write and its child's leaves, after the source dropped the child.
      await store.add(new Host({ name: "h1", role: "edge" }));
      await store.add(new Site({ name: "a", devices: ["h1", "ghost"] }));
      const diff = await dest.diffFrom(source);
      expect(diff.hasDiffs()).toBe(true);
      expect(diff.str()).toContain('host "ghost" listed in dst but not stored');
      await dest.syncFrom(source);
      expect((await dest.get(Site, "a")).devices).toEqual(["h1"]);
      expect((await dest.diffFrom(source)).hasDiffs()).toBe(false);
    } finally {
      await store.close();
    }
  });

  it("a move whose new parent comes first: the child is adopted under the new parent, then only unlisted from the old", async () => {
    // The source lists h1 under site "b", which it yields before "a": the create under "b" comes
    // before the delete under "a". Adopting h1 under "b" must not let that delete remove it.
    const source = new Sites({ name: "src" });
    await source.loadFromDict({ site: { b: { name: "b", devices: ["h1"] }, a: { name: "a", devices: [] } }, host: { h1: { name: "h1", role: "edge" } } });
    const store = new RedisStore({ path: server.socket, storeId: randomUUID(), connectTimeoutMs: 15_000, models: [Site, Host] });
    try {
      const dest = new Sites({ name: "dst", store });
      await dest.loadFromDict({ site: { a: { name: "a", devices: ["h1"] }, b: { name: "b", devices: [] } }, host: { h1: { name: "h1", role: "core" } } });
      await dest.syncFrom(source);
      expect((await dest.get(Site, "b")).devices).toEqual(["h1"]);
      expect((await dest.get(Site, "a")).devices).toEqual([]);
      expect((await dest.get(Host, "h1")).role).toBe("edge");
      expect((await dest.diffFrom(source)).hasDiffs()).toBe(false);
    } finally {
      await store.close();
    }
  });
});
