import { Cluster, type Redis } from "ioredis";
import type { RedisStorage } from "../src/index.js";

/**
 * Content keys of `storage`'s namespace (`<ns>:chunks:{id}`) that no catalogued file points at:
 * staged content a cut-off write left behind. SCANs every master of a cluster. Content replaced
 * within the reader grace period would show too; the abort tests replace nothing.
 */
export async function stagedDebris(storage: RedisStorage): Promise<string[]> {
  const client = storage.client;
  const nodes: Redis[] = client instanceof Cluster ? client.nodes("master") : [client as Redis];
  const keys: string[] = [];
  for (const node of nodes) {
    let cursor = "0";
    do {
      const [next, found] = await node.scan(cursor, "MATCH", `${storage.namespace}:chunks:*`, "COUNT", 1000);
      cursor = next;
      keys.push(...found);
    } while (cursor !== "0");
  }
  const metas = await client.hvals(`{${storage.namespace}}:meta`);
  const live = new Set(metas.map((json) => (JSON.parse(json) as { g: string }).g));
  return keys.filter((key) => {
    const id = key.slice(`${storage.namespace}:chunks:`.length).replace(/[{}]/g, "");
    return !live.has(id);
  });
}
