import { randomBytes } from "node:crypto";
import { describeAdvancedSnapshotStorage } from "@stowage/conformance";
import { afterEach, describe, it } from "vitest";
import { S3Storage } from "../src/index.js";
import { SUITE_LISTING, SUITE_PAGE, cleanupStorage, unfinishedUploads, useS3Server } from "./s3-fixture.js";

// The blob conformance suite against a real S3-compatible server on loopback. Every storage gets
// its own root prefix (or bucket), so tests never see each other's files. Small listing pages:
// the large folder (SUITE_LISTING files) spans several.
const { server: current } = useS3Server();
const unique = (): string => randomBytes(4).toString("hex");

describeAdvancedSnapshotStorage(
  { describe, it, afterEach },
  {
    name: "S3Storage",
    // 5 MiB parts: the suite's largest content (5 MiB + 1) goes through a multipart upload.
    create: () =>
      new S3Storage({ bucket: current().bucket, prefix: `blob-${unique()}`, partSize: 5 * 1024 * 1024, maxKeys: SUITE_PAGE, clientConfig: current().clientConfig }),
    cleanup: cleanupStorage,
    debris: (storage) => unfinishedUploads(current(), storage),
    largestListing: SUITE_LISTING,
  },
);
