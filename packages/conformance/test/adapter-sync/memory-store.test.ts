import { describe, it } from "vitest";
import { MemoryStore } from "@stowage/core";
import { describeAdapterSync } from "../../src/index.js";

describeAdapterSync({ describe, it }, { name: "MemoryStore", createStore: () => new MemoryStore() });
