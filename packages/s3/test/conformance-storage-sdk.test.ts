import { randomBytes } from "node:crypto";
import { describeAdvancedSnapshotStorage } from "@stowage/conformance";
import { afterEach, describe, it } from "vitest";
import { S3Storage } from "../src/index.js";
import { SUITE_LISTING, SUITE_PAGE, cleanupStorage, unfinishedUploads, useS3Server } from "./s3-fixture.js";

// The blob conformance suite on the SDK transport (`transport: "sdk"`, which a client of your own
// also gets): every promise holds whichever way the hot path is sent.
const { server: current } = useS3Server();
const unique = (): string => randomBytes(4).toString("hex");

describeAdvancedSnapshotStorage(
  { describe, it, afterEach },
  {
    name: "S3Storage on the SDK transport",
    create: () =>
      new S3Storage({
        bucket: current().bucket,
        prefix: `sdk-${unique()}`,
        partSize: 5 * 1024 * 1024,
        maxKeys: SUITE_PAGE,
        clientConfig: current().clientConfig,
        transport: "sdk",
      }),
    cleanup: cleanupStorage,
    debris: (storage) => unfinishedUploads(current(), storage),
    largestListing: SUITE_LISTING,
  },
);
