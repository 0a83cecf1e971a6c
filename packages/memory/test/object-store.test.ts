import { afterEach, beforeEach, describe, it } from "vitest";
import { describeObjectStore } from "@stowage/conformance";
import { MemoryStore } from "@stowage/core";

describeObjectStore({ describe, it, beforeEach, afterEach }, { name: "MemoryStore", create: () => new MemoryStore(), order: "insertion" });
