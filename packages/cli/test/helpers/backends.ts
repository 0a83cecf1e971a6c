import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The plugin fixture's path: a jsonfile: store that outlives one CLI process. */
export const JSONFILE_ADAPTER = fileURLToPath(new URL("../fixtures/jsonfile-adapter.mjs", import.meta.url));

/** A backend the command tests run against: a fresh store URL per test, and its cleanup. */
export interface TestBackend {
  name: string;
  /** Environment the CLI needs to reach the backend. */
  env: NodeJS.ProcessEnv;
  /** A new, empty store; call `cleanup` when done. */
  create(): Promise<{ url: string; cleanup(): Promise<void> }>;
}

/** A temporary folder, removed by the returned function. */
export async function temporaryFolder(): Promise<{ path: string; cleanup(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), "stowage-cli-"));
  return { path, cleanup: () => rm(path, { recursive: true, force: true }) };
}

/** The third-party plugin fixture, mapped through STOWAGE_ADAPTERS. */
export const jsonfileBackend: TestBackend = {
  name: "jsonfile (plugin)",
  env: { STOWAGE_ADAPTERS: `jsonfile=${JSONFILE_ADAPTER}` },
  async create() {
    const folder = await temporaryFolder();
    return { url: `jsonfile://${folder.path}/store.json`, cleanup: folder.cleanup };
  },
};

/** A basic-tier plugin (no stat, no atomicMove, no native sync) over the same JSON files. */
export const basicBackend: TestBackend = {
  name: "basic tier (plugin)",
  env: { STOWAGE_ADAPTERS: `basic=${fileURLToPath(new URL("../fixtures/basic-adapter.mjs", import.meta.url))}` },
  async create() {
    const folder = await temporaryFolder();
    return { url: `basic://${folder.path}/store.json`, cleanup: folder.cleanup };
  },
};
