import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { s3Backend, temporaryFolder } from "./helpers/backends.js";
import { stowage } from "./helpers/run-cli.js";

describe("stowage link (rclone link)", () => {
  const s3 = s3Backend();
  beforeAll(() => s3.start(), 60_000);
  afterAll(() => s3.stop());

  it("prints a signed URL that plain fetch downloads, and a --put URL that uploads", async () => {
    const store = await s3.create();
    expect((await stowage(["put", "-", `${store.url}::snap/db.dump`], { input: "the dump", env: s3.env })).code).toBe(0);
    const link = await stowage(["link", "--expire", "15m", `${store.url}::snap/db.dump`], { env: s3.env });
    expect(link.stderr).toBe("");
    expect(link.code).toBe(0);
    const response = await fetch(link.out.trim());
    expect(await response.text()).toBe("the dump");

    const put = await stowage(["link", "--put", "--json", `${store.url}::inbox/new.txt`], { env: s3.env });
    const { url, method, expires } = JSON.parse(put.out) as { url: string; method: string; expires: string };
    expect(method).toBe("PUT");
    expect(Date.parse(expires) - Date.now()).toBeGreaterThan(3_500_000);
    expect((await fetch(url, { method: "PUT", body: "sent by link" })).status).toBe(200);
    expect((await stowage(["cat", `${store.url}::inbox/new.txt`], { env: s3.env })).out).toBe("sent by link");
  });

  it("refuses a backend that cannot sign URLs with exit 5, and a bad --expire with exit 2", async () => {
    const folder = await temporaryFolder();
    try {
      const local = await stowage(["link", `${folder.path}::a.txt`]);
      expect(local.code).toBe(5);
      expect(local.stderr).toMatch(/requires signed URLs/);
      const store = await s3.create();
      for (const expire of ["8d", "10", "500ms"]) expect((await stowage(["link", "--expire", expire, `${store.url}::a`], { env: s3.env })).code).toBe(2);
    } finally {
      await folder.cleanup();
    }
  });
});
