import { DiffClassMismatch, InvalidObjectError } from "../object-store/errors.js";
import { Diff, type DiffClass } from "./diff.js";
import { checkDiffSyncFlags } from "./flags.js";

/** The stage a progress report is about. */
export type DiffSyncStage = "diff" | "sync";

/**
 * Progress of a diff (`done` of `total` objects of both adapters looked at) or a sync (`done` of
 * `total` diff elements applied). Called after each step, and once with `done === total` at the end.
 */
export type DiffSyncProgress = (stage: DiffSyncStage, done: number, total: number) => void;

/** Options of `Adapter.diffFrom` / `diffTo`. */
export interface DiffOptions<D extends Diff = Diff> {
  /** {@link DiffSyncFlags}, combined with `|`. Default none. */
  flags?: number;
  /** The class of the diff and of its child diffs: {@link Diff} or a subclass. Default {@link Diff}. */
  diffClass?: DiffClass<D>;
  /** Called as the work progresses. */
  onProgress?: DiffSyncProgress;
  /**
   * Stops the work when aborted: the call rejects with `AbortError` (`E_ABORTED`, the signal's
   * reason as `cause`). A diff changes nothing anyway; a sync applies nothing more once it sees
   * the abort (it checks before each element): every change already applied is whole and
   * persisted, and parents whose child lists changed are written back.
   */
  signal?: AbortSignal;
}

/** Options of `Adapter.syncFrom` / `syncTo`. */
export interface AdapterSyncOptions<D extends Diff = Diff> extends DiffOptions<D> {
  /**
   * A diff computed before (say, shown to a user for approval) to apply as is; computed afresh
   * when left out. With `diffClass` too, it must be an instance of that class.
   */
  diff?: D;
}

/** The options with defaults applied and checked. */
export interface ResolvedOptions<D extends Diff> {
  flags: number;
  diffClass: DiffClass<D>;
  onProgress: DiffSyncProgress | undefined;
  signal: AbortSignal | undefined;
}

/**
 * Checks options before anything is read: bad flags, an `onProgress` or `signal` of the wrong
 * kind, or a `diffClass` that is not a Diff class throw {@link InvalidObjectError} /
 * {@link DiffClassMismatch}.
 */
export function resolveOptions<D extends Diff>(options: DiffOptions<D> | undefined): ResolvedOptions<D> {
  const given = options ?? {};
  if (typeof given !== "object") throw new InvalidObjectError("diff/sync options must be an object");
  const diffClass = given.diffClass ?? (Diff as unknown as DiffClass<D>);
  if (typeof diffClass !== "function" || !isDiffLike(diffClass.prototype)) {
    throw new DiffClassMismatch(`diffClass must be Diff or a subclass of it, got ${describe(diffClass)}`);
  }
  if (given.onProgress !== undefined && typeof given.onProgress !== "function") {
    throw new InvalidObjectError("onProgress must be a function");
  }
  const signal: unknown = given.signal;
  if (signal !== undefined && !isSignalLike(signal)) throw new InvalidObjectError("signal must be an AbortSignal");
  return { flags: checkDiffSyncFlags(given.flags ?? 0), diffClass, onProgress: given.onProgress, signal };
}

/** Checks that a diff given to a sync is a {@link Diff}, and an instance of `diffClass` when one was given. */
export function checkGivenDiff<D extends Diff>(diff: unknown, diffClass: DiffClass<D> | undefined): D {
  if (!isDiffLike(diff)) throw new DiffClassMismatch(`The diff to apply must be a Diff, got ${describe(diff)}`);
  if (diffClass !== undefined && !(diff instanceof diffClass)) {
    throw new DiffClassMismatch(`The diff to apply is a ${diff.constructor.name}, not a ${diffClass.name}`);
  }
  return diff as D;
}

/**
 * Whether `value` is a Diff (or a Diff class's prototype). By shape, not `instanceof`, so a Diff
 * made with the CommonJS build of this package is accepted by the ESM engine and vice versa.
 */
function isDiffLike(value: unknown): value is Diff {
  const diff = value as Partial<Record<keyof Diff, unknown>> | null | undefined;
  return (
    typeof diff === "object" &&
    diff !== null &&
    typeof diff.getChildren === "function" &&
    typeof diff.summary === "function" &&
    typeof diff.add === "function" &&
    typeof diff.complete === "function"
  );
}

/** An AbortSignal, by shape (signals from another realm or polyfill pass too). */
function isSignalLike(value: unknown): value is AbortSignal {
  const signal = value as Partial<AbortSignal> | null;
  return typeof signal === "object" && signal !== null && typeof signal.aborted === "boolean" && typeof signal.addEventListener === "function";
}

function describe(value: unknown): string {
  if (typeof value === "function") return value.name || "an anonymous function";
  if (value === null || typeof value !== "object") return String(value);
  return `a ${value.constructor?.name ?? "object"}`;
}
