import { PutObjectCommand } from "@aws-sdk/client-s3";
import { canDeleteMany, mapLimit, removeFolder } from "@stowage/core";
import { describe, expect, it } from "vitest";
import { countOf, recordCommands, useS3Server } from "./s3-fixture.js";

const { storage } = useS3Server();

describe("core's removeFolder on S3Storage (deleteMany: core's BatchDeletingStorage)", () => {
  it("removes 2,500 files in 3 DeleteObjects requests, and nothing outside the folder", async () => {
    const s3 = storage();
    expect(canDeleteMany(s3)).toBe(true);
    const keys = Array.from({ length: 2500 }, (_, i) => `doomed/${String(i % 10)}/f${String(i).padStart(4, "0")}`);
    // Straight PutObjects: the files only need to exist.
    await mapLimit([...keys, "kept"], 16, (key) =>
      s3.client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: `${s3.prefix}/${key}`, Body: "x" })),
    );
    const sent = recordCommands(s3.client);
    expect(await removeFolder(s3, "doomed")).toBe(2500);
    expect(countOf(sent, "DeleteObjects")).toBe(3);
    expect(countOf(sent, "DeleteObject")).toBe(0);
    expect(await s3.recursiveList("")).toEqual(["kept"]);
    s3.close();
  });
});
