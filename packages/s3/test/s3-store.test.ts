import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { InvalidOptionsError, ObjectAlreadyExists, ObjectNotFound, StorageUnavailableError, defineModel } from "@stowage/core";
import { describe, expect, it } from "vitest";
import { S3Store, type S3StoreOptions } from "../src/index.js";
import { escapeSegment, unescapeSegment } from "../src/store-keys.js";
import { useS3Server } from "./s3-fixture.js";

interface DeviceFields {
  name: string;
  site: string;
  interfaces: string[];
}
class Device extends defineModel<DeviceFields>()({
  type: "device",
  identifiers: ["name"],
  attributes: ["site"],
  children: { interface: "interfaces" },
}) {}

interface InterfaceFields {
  device: string;
  name: string;
  mtu: number;
}
class Interface extends defineModel<InterfaceFields>()({
  type: "interface",
  identifiers: ["device", "name"],
  attributes: ["mtu"],
}) {}

const { server } = useS3Server();
const store = (options: Partial<S3StoreOptions> = {}): S3Store =>
  new S3Store({
    bucket: server().bucket,
    prefix: "stores",
    client: new S3Client(server().clientConfig),
    models: [Device, Interface],
    ...options,
  } as S3StoreOptions);

describe("S3Store", () => {
  it("stores models as JSON documents under <prefix>/<storeId>/<model>/<uid>", async () => {
    const s = store({ storeId: "layout" });
    await s.add(new Device({ name: "r1", site: "ams", interfaces: [] }));
    const stored = await s.client.send(new GetObjectCommand({ Bucket: s.bucket, Key: "stores/layout/_device/_r1" }));
    expect(stored.ContentType).toBe("application/json");
    const text = (await stored.Body?.transformToString()) ?? "";
    expect(JSON.parse(text)).toMatchObject({ type: "device" });
    expect(text).toContain('"ams"');
  });

  it("adds, reads back copies, updates and removes", async () => {
    const s = store();
    const r1 = new Device({ name: "r1", site: "ams", interfaces: [] });
    await s.add(r1);
    await s.add(new Device({ name: "r1", site: "ams", interfaces: [] })); // same data: no-op
    await expect(s.add(new Device({ name: "r1", site: "fra", interfaces: [] }))).rejects.toBeInstanceOf(ObjectAlreadyExists);
    const copy = await s.get(Device, "r1");
    expect(copy).not.toBe(r1);
    expect(copy.site).toBe("ams");
    copy.site = "fra";
    await s.update(copy);
    expect((await s.get("device", "r1")).getAttrs()).toMatchObject({ site: "fra" });
    expect(await s.count()).toBe(1);
    await s.remove(copy);
    await expect(s.get(Device, "r1")).rejects.toBeInstanceOf(ObjectNotFound);
    await expect(s.remove(copy)).rejects.toBeInstanceOf(ObjectNotFound);
    expect(await s.count()).toBe(0);
  });

  it("lists model names and counts per model, and removes children", async () => {
    const s = store();
    const r1 = new Device({ name: "r1", site: "ams", interfaces: [] });
    const eth0 = new Interface({ device: "r1", name: "eth0", mtu: 1500 });
    r1.addChild(eth0);
    await s.add(r1);
    await s.add(eth0);
    expect([...(await s.getAllModelNames())].sort()).toEqual(["device", "interface"]);
    expect(await s.count("interface")).toBe(1);
    expect(await s.count("Interface")).toBe(0); // exact type names
    await s.remove(r1, { removeChildren: true });
    expect(await s.count()).toBe(0);
    expect([...(await s.getAllModelNames())]).toEqual([]);
  });

  it("round-trips any uid, including empty ones and ones with / % . and unicode", async () => {
    const s = store();
    const names = ["", "a/b", "..", ".", "100%", "sp ace+?#&=", "ü😀", "_x", "%2F"];
    for (const name of names) await s.add(new Device({ name, site: name, interfaces: [] }));
    expect(await s.count(Device)).toBe(names.length);
    for (const name of names) expect((await s.get(Device, name)).site).toBe(name);
    expect((await s.getAll(Device)).map((d) => d.name).sort()).toEqual([...names].sort());
    const found = await s.getByUids(["a/b", "", "a/b"], Device);
    expect(found.map((d) => d.name)).toEqual(["a/b", "", "a/b"]);
    for (const name of names) expect(unescapeSegment(escapeSegment(name))).toBe(name);
    expect(escapeSegment("")).toBe("_");
    expect(escapeSegment("..")).toBe("_%2E%2E");
  });

  it("shares objects between stores with the same id and isolates other ids", async () => {
    const a = store({ storeId: "shared" });
    const b = store({ storeId: "shared" });
    const other = store();
    await a.add(new Device({ name: "r9", site: "x", interfaces: [] }));
    expect((await b.get(Device, "r9")).site).toBe("x");
    expect(await other.count()).toBe(0);
    await b.remove(await b.get(Device, "r9"));
  });

  it("lets exactly one of two racing writers add a uid", async () => {
    const a = store({ storeId: "race" });
    const b = store({ storeId: "race" });
    const results = await Promise.allSettled([
      a.add(new Device({ name: "contested", site: "a", interfaces: [] })),
      b.add(new Device({ name: "contested", site: "b", interfaces: [] })),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rejected = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(rejected.reason).toBeInstanceOf(ObjectAlreadyExists);
  });

  it("streams more than one listing page and reads in bounded parallel", async () => {
    // Pages of 10 keys: 105 objects take eleven pages.
    const s = store({ concurrency: 4, maxKeys: 10 });
    let active = 0;
    let peak = 0;
    let lists = 0;
    s.client.middlewareStack.add((next, context) => async (args) => {
      if (context.commandName === "ListObjectsV2Command") {
        expect((args.input as { MaxKeys?: number }).MaxKeys).toBe(10);
        lists++;
      }
      if (context.commandName !== "GetObjectCommand") return next(args);
      peak = Math.max(peak, ++active);
      try {
        return await next(args);
      } finally {
        active--;
      }
    }, { step: "initialize", name: "watchGets" });
    const devices = Array.from({ length: 105 }, (_, i) => new Device({ name: `d${i}`, site: "s", interfaces: [] }));
    await Promise.all(devices.map((d) => s.update(d)));
    expect(await s.count(Device)).toBe(105);
    expect(lists).toBe(11);
    lists = 0;
    let seen = 0;
    for await (const device of s.iterate(Device)) if (device.site === "s") seen++;
    expect(seen).toBe(105);
    expect(lists).toBe(11);
    expect(peak).toBeLessThanOrEqual(4);
  });

  it("lets exactly one of two racing removes succeed", async () => {
    const a = store({ storeId: "remove-race" });
    const b = store({ storeId: "remove-race" });
    await a.add(new Device({ name: "doomed", site: "x", interfaces: [] }));
    const [first, second] = [await a.get(Device, "doomed"), await b.get(Device, "doomed")];
    const results = await Promise.allSettled([a.remove(first), b.remove(second)]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect((results.find((r) => r.status === "rejected") as PromiseRejectedResult).reason).toBeInstanceOf(ObjectNotFound);
  });

  it("checks before writing on servers without conditional writes", async () => {
    const s = store({ conditionalWrites: false });
    const sent: string[] = [];
    s.client.middlewareStack.add((next, context) => async (args) => {
      sent.push(context.commandName ?? "");
      return next(args);
    }, { step: "initialize", name: "record" });
    await s.add(new Device({ name: "r1", site: "ams", interfaces: [] }));
    expect(sent.slice(0, 2)).toEqual(["GetObjectCommand", "PutObjectCommand"]);
    await s.add(new Device({ name: "r1", site: "ams", interfaces: [] }));
    await expect(s.add(new Device({ name: "r1", site: "fra", interfaces: [] }))).rejects.toBeInstanceOf(ObjectAlreadyExists);
    await s.remove(await s.get(Device, "r1"));
    expect(await s.count()).toBe(0);
  });

  it("reports a missing bucket as StorageUnavailableError", async () => {
    const s = new S3Store({ bucket: "no-such-bucket", clientConfig: server().clientConfig, models: [Device] });
    await expect(s.count()).rejects.toBeInstanceOf(StorageUnavailableError);
    await expect(s.add(new Device({ name: "x", site: "y", interfaces: [] }))).rejects.toBeInstanceOf(StorageUnavailableError);
    // remove starts with a HeadObject, whose bare 404 could be a missing object: the bucket is checked.
    const removal = await s.remove(new Device({ name: "x", site: "y", interfaces: [] })).catch((e: unknown) => e);
    expect(removal).toBeInstanceOf(StorageUnavailableError);
    expect((removal as Error).message).toMatch(/bucket 'no-such-bucket' does not exist/);
    await s.close();
  });

  it("rejects bad options", () => {
    expect(() => new S3Store({ bucket: "" })).toThrow(/bucket/);
    expect(() => new S3Store({ bucket: "b", storeId: "a/b" })).toThrow(/storeId/);
    expect(() => new S3Store({ bucket: "b", concurrency: 0 })).toThrow(expect.objectContaining({ code: "E_INVALID_OPTIONS", option: "concurrency", value: 0 }));
    expect(() => new S3Store({ bucket: "" })).toThrow(InvalidOptionsError);
    for (const maxKeys of [0, 1001, 1.5]) expect(() => new S3Store({ bucket: "b", maxKeys })).toThrow(/maxKeys/);
  });
});
