// Placeholder main job until the CLI lands: snapshot a folder into MemoryStorage and sync it.
import { MemoryStorage } from "@stowage/memory";
const storage = new MemoryStorage();
await storage.write("snapshots/today/hello.txt", "hello");
console.log(await storage.sync("snapshots/today", "mirror/today"));
