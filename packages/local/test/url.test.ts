import { existsSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LINK_SUFFIX, LocalFileSystemBackend, createStorageFromUrl, storageExists } from "../src/index.js";
import { createSandbox, type Sandbox } from "./sandbox.js";

let box: Sandbox;
beforeEach(() => {
  box = createSandbox();
});
afterEach(() => box.cleanup());

describe("createStorageFromUrl (the plugin convention)", () => {
  it("opens the folder a file: URL names, with its parameters", async () => {
    const folder = path.join(box.dir, "made by url");
    expect(await storageExists(pathToFileURL(folder))).toBe(false);
    const url = new URL(`${pathToFileURL(folder).href}?durable=false&links=translate&chunkSize=1024`);
    const storage = createStorageFromUrl(url);
    expect(storage).toBeInstanceOf(LocalFileSystemBackend);
    expect(existsSync(folder)).toBe(true);
    expect(await storageExists(url)).toBe(true);
    await storage.write(`x${LINK_SUFFIX}`, "target");
    expect(await storage.recursiveList("")).toEqual([`x${LINK_SUFFIX}`]);
  });

  it("refuses unknown parameters, bad values and other schemes with E_INVALID_OPTIONS, creating nothing", () => {
    const folder = path.join(box.dir, "never");
    for (const query of ["?chunksize=1", "?durable=maybe", "?links=follow", "?chunkSize=0"]) {
      expect(() => createStorageFromUrl(new URL(`${pathToFileURL(folder).href}${query}`))).toThrow(expect.objectContaining({ code: "E_INVALID_OPTIONS" }));
    }
    expect(() => createStorageFromUrl(new URL("s3://bucket"))).toThrow(expect.objectContaining({ code: "E_INVALID_OPTIONS" }));
    expect(existsSync(folder)).toBe(false);
  });
});
