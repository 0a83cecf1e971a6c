import { describeAdvancedSnapshotStorage } from "@stowage/conformance";
import { afterEach, describe, it } from "vitest";
import { S3Storage } from "../src/index.js";
import { SUITE_LISTING, SUITE_PAGE, cleanupStorage, useS3Server } from "./s3-fixture.js";

// The blob conformance suite without conflict checks, each storage at the root of its own bucket,
// against a real S3-compatible server on loopback; a file of its own, so that it runs beside the
// others. Small listing pages: the large folder (SUITE_LISTING files) spans several.
const { server: current } = useS3Server();

describeAdvancedSnapshotStorage(
  { describe, it, afterEach },
  {
    name: "S3Storage without conflict checks, at the bucket root of its own bucket",
    create: () =>
      new S3Storage({ bucket: current().createBucket(), checkConflicts: false, chunkSize: 1000, maxKeys: SUITE_PAGE, clientConfig: current().clientConfig }),
    cleanup: cleanupStorage,
    largestListing: SUITE_LISTING,
    capabilities: { fileFolderConflicts: false, defaultChunkSize: 1000 },
  },
);
