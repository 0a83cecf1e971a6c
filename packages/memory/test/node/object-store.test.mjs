// The object-store conformance suite under node:test, against the built package (dist).
import { afterEach, beforeEach, describe, it } from "node:test";
import { describeObjectStore } from "@stowage/conformance";
import { MemoryStore } from "@stowage/core";

describeObjectStore({ describe, it, beforeEach, afterEach }, { name: "MemoryStore", create: () => new MemoryStore(), order: "insertion" });
