import { ClusterClass } from "./ioredis.js";
import { isRefusedCommand, type RedisConnection } from "./connection.js";

/**
 * The key space a connection reaches, for `RedisStorage.place`: the server's `run_id` (from
 * `INFO server`) and the database for a standalone server, the sorted ids of a cluster's nodes
 * (from `CLUSTER NODES`) for a cluster, then the namespace. Two URLs naming one server
 * (`redis://h:P`, `redis://h:P/0?namespace=stowage`, another host name for it) give one space.
 * A server that refuses `INFO` (an ACL, a renamed command) is named by its address instead.
 * Call on a ready connection.
 */
export async function serverSpace(connection: RedisConnection, namespace: string): Promise<string> {
  const client = connection.client;
  if (client instanceof ClusterClass) {
    const nodes = String(await client.cluster("NODES"));
    const ids = nodes
      .split("\n")
      .map((line) => line.split(" ")[0] ?? "")
      .filter((id) => id !== "")
      .sort();
    return `redis-cluster:${ids[0] ?? connection.endpoints()[0]}/${namespace}`;
  }
  const db = client.options.db ?? 0;
  let server: string;
  try {
    const info = await client.info("server");
    server = /^run_id:([0-9a-f]+)/m.exec(info)?.[1] ?? connection.endpoints()[0] ?? "";
  } catch (error) {
    if (!isRefusedCommand(error)) throw error;
    server = connection.endpoints()[0] ?? "";
  }
  return `redis:${server}/${db}/${namespace}`;
}
