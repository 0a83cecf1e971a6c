import { startS3Server } from "@stowage/testkit/s3";
import { canSignUrls, collectBytes } from "@stowage/core";
import { describe, expect, it } from "vitest";
import { S3Storage } from "../src/index.js";

describe("S3Storage.signedUrl (rclone link): presigned URLs the signature-checking server honours, then refuses", () => {
  it("a GET link downloads with plain fetch until it expires; a tampered one is refused; a PUT link uploads", async () => {
    let now = Date.now();
    const server = await startS3Server({ clock: () => now });
    const s3 = new S3Storage({ bucket: server.bucket, prefix: "root", clientConfig: server.clientConfig });
    try {
      expect(canSignUrls(s3)).toBe(true);
      await s3.write("snap/db dump+1.txt", "the snapshot");
      const url = await s3.signedUrl("snap/db dump+1.txt", { expiresInSeconds: 60 });
      expect(url).toContain("X-Amz-Signature=");
      const fetched = await fetch(url);
      expect(fetched.status).toBe(200);
      expect(await fetched.text()).toBe("the snapshot");

      const tampered = url.replace(/X-Amz-Signature=([0-9a-f])/, (_, c: string) => `X-Amz-Signature=${c === "0" ? "1" : "0"}`);
      expect((await fetch(tampered)).status).toBe(403);

      // From the real clock, which signed the link: the test's start may be seconds behind it under load.
      now = Date.now() + 61_000;
      const expired = await fetch(url);
      expect(expired.status).toBe(403);
      expect(await expired.text()).toMatch(/expired/i);

      const put = await s3.signedUrl("inbox/upload.bin", { method: "PUT", expiresInSeconds: 300 });
      expect((await fetch(put, { method: "PUT", body: "uploaded by a link" })).status).toBe(200);
      expect((await collectBytes(await s3.read("inbox/upload.bin"))).toString()).toBe("uploaded by a link");

      await expect(s3.signedUrl("../escape")).rejects.toMatchObject({ code: "E_INVALID_PATH" });
      await expect(s3.signedUrl("a", { expiresInSeconds: 604_801 })).rejects.toMatchObject({ code: "E_INVALID_OPTIONS" });
    } finally {
      s3.close();
      await server.stop();
    }
  });
});
