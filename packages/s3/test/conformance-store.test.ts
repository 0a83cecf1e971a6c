import { randomBytes } from "node:crypto";
import { S3Client } from "@aws-sdk/client-s3";
import { describeObjectStore } from "@stowage/conformance";
import { describe, it } from "vitest";
import { S3Store } from "../src/index.js";
import { SUITE_PAGE, useS3Server } from "./s3-fixture.js";

// The object-store conformance suite against a real S3-compatible server on loopback. Every store
// gets its own prefix and id, so tests never see each other's objects. Small listing pages:
// the large store (COUNT objects) spans several.
const COUNT = 6 * SUITE_PAGE + 5;
// The bulk tests send about 3,000 signed requests, each checked by the test server: on a CI machine
// running several packages' tests on 2 cores they took over 120 s, the suite's default deadline.
const testDeadlineMs = 360_000;
const { server: current } = useS3Server();
const unique = (): string => randomBytes(4).toString("hex");

describeObjectStore(
  { describe, it },
  {
    name: "S3Store",
    create: () => new S3Store({ bucket: current().bucket, prefix: `objects-${unique()}`, maxKeys: SUITE_PAGE, client: new S3Client(current().clientConfig) }),
    // A second client, as another process would have, on the same prefix and store id.
    reopen: (store) =>
      new S3Store({ bucket: store.bucket, prefix: store.prefix, storeId: store.storeId, maxKeys: SUITE_PAGE, clientConfig: current().clientConfig }),
    largeCount: COUNT,
    testDeadlineMs,
  },
);

describeObjectStore(
  { describe, it },
  {
    name: "S3Store without conditional writes",
    create: () =>
      new S3Store({ bucket: current().bucket, prefix: `objects-${unique()}`, conditionalWrites: false, maxKeys: SUITE_PAGE, clientConfig: current().clientConfig }),
    reopen: (store) =>
      new S3Store({
        bucket: store.bucket,
        prefix: store.prefix,
        storeId: store.storeId,
        conditionalWrites: false,
        maxKeys: SUITE_PAGE,
        clientConfig: current().clientConfig,
      }),
    largeCount: COUNT,
    // Check-then-delete: two racing removers can both succeed.
    atomicRemove: false,
    testDeadlineMs,
  },
);
