// Adapter diff/sync benchmark, both adapters on MemoryStore: 100,000 objects per side, 10%
// created, 10% updated, 10% deleted. For another store, call benchDiffSync with its factory.
import { benchDiffSync } from "./diff-sync-bench.mjs";

await benchDiffSync({ name: "memory -> memory", n: 100_000 });
