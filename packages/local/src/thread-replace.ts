import path from "node:path";
import { pruneEmptyFolders, SnapshotConflictError, SnapshotNotFoundError } from "@stowage/core";
import type { CopyThreads } from "./copy-threads.js";
import type { CopyJob, CopyOutcome } from "./copy-worker.js";
import { ensureFolder, linkConflict } from "./folders.js";
import { toStowageError } from "./fs-errors.js";
import { tempName } from "./temp-files.js";

/** Where a thread replaces a file, and the keys its errors name. */
export interface ThreadReplacement {
  /** The target's canonical root. */
  root: string;
  /** The target file (already checked to lie under `root`). */
  to: string;
  /** The target's key. */
  key: string;
  /** The source's key, for "not found" (a copy's source that vanished). */
  fromKey?: string;
  /** Folders known to be real for the batch (see `Replacement.knownFolders`); the target's is added on success. */
  knownFolders?: Set<string>;
}

/** Attempts when a concurrent prune removes the target folder, or a temporary name is taken. */
const ATTEMPTS = 4;

/**
 * The folders being made (or checked) right now, by root and folder. A first sync into an empty
 * target posts up to a queue's worth of copies into each new folder at once; without this each
 * of them made the same folder, a failed `realpath` (an error object built) and an `mkdir` apiece,
 * about 20 µs of the main thread per file.
 */
const ensuring = new Map<string, Promise<void>>();

/**
 * `ensureFolder`, shared by every caller that asks for the same folder while it is under way. A
 * caller whose shared attempt failed tries on its own, so its error names its own key.
 */
async function ensureFolderOnce(root: string, dir: string, key: string): Promise<void> {
  const id = `${root}\0${dir}`;
  const shared = ensuring.get(id);
  if (shared !== undefined && (await shared.then(() => true, () => false))) return;
  const attempt = ensureFolder(root, dir, key);
  ensuring.set(id, attempt);
  try {
    await attempt;
  } finally {
    if (ensuring.get(id) === attempt) ensuring.delete(id);
  }
}

/**
 * Replaces a file on a copy thread (see `copy-worker.ts`) with the main thread's checks and
 * retries around it, as `replaceDurably` does on the main thread: the target folder is made (or
 * known) to be a real folder first, a vanished folder or a taken temporary name is retried, and a
 * failure prunes the folders that may have been made for it. `job` builds the thread's job for a
 * fresh temporary path. Resolves `true` once done, or `false` when no thread could start and
 * nothing was written (the caller then does it on the main thread). Rejects with the stowage error
 * the main thread's write would have.
 */
export async function replaceOnThread(threads: CopyThreads, place: ThreadReplacement, job: (temp: string) => CopyJob): Promise<boolean> {
  const { root, to, key, knownFolders } = place;
  const dir = path.dirname(to);
  for (let attempt = 1; ; attempt++) {
    if (knownFolders?.has(dir) !== true) {
      try {
        await ensureFolderOnce(root, dir, key);
      } catch (error) {
        await pruneEmptyFolders(root, dir);
        throw toStowageError(error, key, "writing");
      }
    }
    const outcome = await threads.copy(job(path.join(dir, tempName())));
    if (outcome.ok) {
      knownFolders?.add(dir);
      return true;
    }
    if (outcome.stage === "no-thread") return false;
    const retry = outcome.stage === "fill" && (outcome.code === "ENOENT" || outcome.code === "EEXIST") && attempt < ATTEMPTS;
    if (outcome.code === "ENOENT") knownFolders?.delete(dir);
    if (retry) continue;
    await pruneEmptyFolders(root, dir);
    throw threadError(outcome, place.fromKey ?? key, key);
  }
}

/** The error a failed thread job rejects with, as the main thread's copy or write would have. */
function threadError(outcome: Extract<CopyOutcome, { ok: false }>, fromKey: string, key: string): Error {
  if (outcome.stage === "not-found") return new SnapshotNotFoundError(fromKey);
  const cause = Object.assign(new Error(outcome.message), { code: outcome.code, syscall: outcome.syscall });
  if (outcome.stage === "link") return linkConflict(key);
  if (outcome.stage === "folder") return new SnapshotConflictError(key, "a folder exists at this path", { cause });
  return toStowageError(cause, key, "writing");
}
