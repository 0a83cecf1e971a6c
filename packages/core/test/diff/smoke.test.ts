import { describe, expect, it } from "vitest";
import { Adapter } from "../../src/index.js";
import { Device, Interface } from "../object-store/fixtures.js";

class Network extends Adapter {
  static override readonly models = [Device, Interface];
  static override readonly topLevel = ["device"];
}

describe("smoke", () => {
  it("diffs and syncs", async () => {
    const a = new Network({ name: "a" });
    const b = new Network({ name: "b" });
    await a.loadFromDict({
      device: { r1: { name: "r1", site: "ams", interfaces: ["r1__eth0", "r1__eth1"] }, r2: { name: "r2", site: "lon" } },
      interface: { r1__eth0: { device: "r1", name: "eth0", description: "up" }, r1__eth1: { device: "r1", name: "eth1", description: "x" } },
    });
    await b.loadFromDict({
      device: { r1: { name: "r1", site: "par", interfaces: ["r1__eth0", "r1__eth9"] }, r3: { name: "r3", site: "lon" } },
      interface: { r1__eth0: { device: "r1", name: "eth0", description: "down" }, r1__eth9: { device: "r1", name: "eth9", description: "x" } },
    });
    const diff = await b.diffFrom(a);
    console.log(diff.str());
    console.log(JSON.stringify(diff.toDict()));
    console.log(diff.summary());
    await b.syncFrom(a);
    expect((await b.diffFrom(a)).str()).toBe("(no diffs)");
    expect(await b.toDict()).toEqual(await a.toDict());
  });
});
