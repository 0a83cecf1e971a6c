import { afterEach, beforeEach, describe, it } from "vitest";
import { describeObjectStore } from "@stowage/conformance";
import { MemoryStore } from "../src/index.js";

describeObjectStore({ describe, it, beforeEach, afterEach }, { name: "MemoryStore", create: () => new MemoryStore(), order: "insertion" });
