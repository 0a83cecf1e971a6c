import { afterEach, beforeEach, describe, it } from "vitest";
import { describeObjectStore } from "@stowage/conformance";
import { SQLiteStore } from "../src/index.js";
import { tempDb } from "./temp-file.js";

describeObjectStore({ describe, it, beforeEach, afterEach }, {
  name: "SQLiteStore",
  create: () => new SQLiteStore({ path: tempDb() }),
  // A second connection on the same file and dataset, as another process would open it.
  reopen: (store) => new SQLiteStore({ path: store.path, storeId: store.storeId }),
  order: "insertion",
});
