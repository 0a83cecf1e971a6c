import type { SnapshotStorage } from "@stowage/core";
import { openStorageFromUrl } from "./adapters.js";

const CLOSE_TIMEOUT_MS = 2000;

/**
 * The stores one command opens, each once: two locations naming the same store (`./backup` and
 * `file:///home/me/backup`) share one storage object, so moves and syncs inside it use the
 * backend's native operations and its overlap checks. {@link closeAll} releases connections.
 */
export class StoreSet {
  readonly #open = new Map<string, Promise<SnapshotStorage>>();
  readonly #cwd: string;
  readonly #env: NodeJS.ProcessEnv;

  constructor(options: { cwd: string; env: NodeJS.ProcessEnv }) {
    this.#cwd = options.cwd;
    this.#env = options.env;
  }

  /**
   * The storage for `url`, opened on first use. Unless `create` is set, a store that its adapter
   * would create on opening (a local folder) must already exist.
   */
  open(url: URL, options: { create?: boolean } = {}): Promise<SnapshotStorage> {
    const id = storeIdentity(url);
    let storage = this.#open.get(id);
    if (storage === undefined) {
      storage = openStorageFromUrl(url, { cwd: this.#cwd, env: this.#env, mustExist: options.create !== true });
      this.#open.set(id, storage);
    }
    return storage;
  }

  /**
   * Closes every opened storage that has a `close()` (or async-dispose) method, waiting at most
   * `timeoutMs`: a connection to a server that went away must not keep the command from exiting.
   */
  async closeAll(timeoutMs = CLOSE_TIMEOUT_MS): Promise<void> {
    const opened = await Promise.allSettled(this.#open.values());
    this.#open.clear();
    const closing = Promise.allSettled(
      opened.flatMap((result) => (result.status === "fulfilled" ? [closeStorage(result.value)] : [])),
    );
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    await Promise.race([closing, timeout]);
    clearTimeout(timer);
  }
}

/** A canonical string for a store URL: trailing slashes of file paths do not make a new store. */
export function storeIdentity(url: URL): string {
  if (url.protocol !== "file:" || url.pathname === "/") return url.href;
  const copy = new URL(url.href);
  copy.pathname = copy.pathname.replace(/\/+$/, "");
  return copy.href;
}

async function closeStorage(storage: SnapshotStorage): Promise<void> {
  const closable = storage as { close?: unknown; [Symbol.asyncDispose]?: unknown };
  if (typeof closable.close === "function") await (closable.close as () => unknown).call(storage);
  else if (typeof closable[Symbol.asyncDispose] === "function") {
    await (closable[Symbol.asyncDispose] as () => unknown).call(storage);
  }
}
