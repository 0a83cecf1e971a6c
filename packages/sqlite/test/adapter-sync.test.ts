import { describe, it } from "vitest";
import { describeAdapterSync } from "@stowage/conformance";
import { SQLiteStore } from "../src/index.js";
import { tempDb } from "./temp-file.js";

describeAdapterSync({ describe, it }, { name: "SQLiteStore", createStore: () => new SQLiteStore({ path: tempDb() }) });
