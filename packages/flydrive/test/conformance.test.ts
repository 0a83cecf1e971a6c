import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, it } from "vitest";
import { describeSnapshotStorage } from "@stowage/conformance";
import { Disk } from "flydrive";
import { FSDriver } from "flydrive/drivers/fs";
import { Disk as DiskV1 } from "flydrive-v1";
import { FSDriver as FSDriverV1 } from "flydrive-v1/drivers/fs";
import { FlydriveStorage } from "../src/index.js";
import { useS3Disks } from "./disks.js";

// The basic-tier suite over flydrive's fs driver (flydrive 2.x and 1.x) and its S3 driver (on the
// test S3 server), each storage fresh and empty. FlydriveStorage claims the basic tier only: no
// flydrive driver moves atomically (see capability.test.ts).

const folders = new Map<FlydriveStorage, string>();
function onFolder(makeDisk: (location: string) => Disk): () => FlydriveStorage {
  return () => {
    const location = mkdtempSync(path.join(os.tmpdir(), "stowage-flydrive-fs-"));
    const storage = new FlydriveStorage(makeDisk(location));
    folders.set(storage, location);
    return storage;
  };
}
/** The bridge's temporary files (`!!stowage-*`) anywhere under the folder: what an aborted write must not leave. */
async function debris(storage: FlydriveStorage): Promise<string[]> {
  const entries = readdirSync(folders.get(storage) as string, { recursive: true, encoding: "utf8" });
  return entries.filter((entry) => path.basename(entry).startsWith("!!stowage-"));
}
function removeFolder(storage: FlydriveStorage): void {
  rmSync(folders.get(storage) as string, { recursive: true, force: true });
  folders.delete(storage);
}

describeSnapshotStorage({ describe, it, afterEach }, {
  name: "FlydriveStorage (flydrive 2 fs driver)",
  create: onFolder((location) => new Disk(new FSDriver({ location, visibility: "private" }))),
  cleanup: removeFolder,
  debris,
});

describeSnapshotStorage({ describe, it, afterEach }, {
  name: "FlydriveStorage (flydrive 1 fs driver)",
  create: onFolder((location) => new DiskV1(new FSDriverV1({ location, visibility: "private" })) as unknown as Disk),
  cleanup: removeFolder,
  debris,
});

const s3Disk = useS3Disks();
describeSnapshotStorage({ describe, it, afterEach }, {
  name: "FlydriveStorage (flydrive 2 S3 driver on the test S3 server)",
  // A bucket of its own per storage: every test starts empty.
  create: () => new FlydriveStorage(s3Disk()),
});
