import { S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll } from "vitest";
import { startS3Server, type S3TestServer } from "@stowage/testkit/s3";
import { Disk } from "flydrive";
import { S3Driver } from "flydrive/drivers/s3";

/**
 * Starts the test S3 server for the calling test file and returns a maker of flydrive S3 disks,
 * each on a fresh, empty bucket.
 */
export function useS3Disks(): () => Disk {
  let s3: S3TestServer;
  let client: S3Client;
  beforeAll(async () => {
    s3 = await startS3Server();
    client = new S3Client(s3.clientConfig);
  });
  afterAll(async () => {
    client?.destroy();
    await s3?.stop();
  });
  return () => new Disk(new S3Driver({ client, bucket: s3.createBucket(), visibility: "private", supportsACL: false }));
}
