import { S3Client } from "@aws-sdk/client-s3";
import { describeAdapterSync } from "@stowage/conformance";
import { describe, it } from "vitest";
import { S3Store } from "../src/index.js";
import { useS3Server } from "./s3-fixture.js";

// The diff/sync engine's scenarios with S3Store as source, as destination and as both. Every store
// gets its own random store id (and its own client, closed with it), so tests never share objects.
const { server } = useS3Server();

describeAdapterSync(
  { describe, it },
  {
    name: "S3Store",
    createStore: () => new S3Store({ bucket: server().bucket, prefix: "sync", clientConfig: server().clientConfig }),
  },
);
