import { SnapshotStorageCapabilityError } from "../errors.js";
import type { AdvancedSnapshotStorage, SnapshotStorage } from "./storage.js";

const BASIC_METHODS = ["read", "write", "list", "delete", "exists"] as const;
const ADVANCED_METHODS = ["streamRead", "streamWrite", "atomicMove", "recursiveList", "stat", "sync"] as const;

function hasMethods(value: unknown, names: readonly string[]): boolean {
  if (value === null || (typeof value !== "object" && typeof value !== "function")) return false;
  const record = value as Record<string, unknown>;
  return names.every((name) => typeof record[name] === "function");
}

/** True when `value` has every basic-tier method. */
export function isSnapshotStorage(value: unknown): value is SnapshotStorage {
  return hasMethods(value, BASIC_METHODS);
}

/** True when `value` has every basic- and advanced-tier method. */
export function isAdvancedSnapshotStorage(value: unknown): value is AdvancedSnapshotStorage {
  return hasMethods(value, BASIC_METHODS) && hasMethods(value, ADVANCED_METHODS);
}

/**
 * Asserts that `storage` meets the advanced tier, narrowing its type; otherwise throws
 * {@link SnapshotStorageCapabilityError} naming `operation` and the backend.
 */
export function requiresAdvancedStorage(
  storage: SnapshotStorage,
  operation: string,
): asserts storage is AdvancedSnapshotStorage {
  if (!isAdvancedSnapshotStorage(storage)) throw new SnapshotStorageCapabilityError(operation, backendName(storage));
}

/** A backend's display name: its constructor's name, or `"anonymous storage"`. */
export function backendName(storage: unknown): string {
  const ctor = (storage as { constructor?: { name?: unknown } } | null)?.constructor;
  return typeof ctor?.name === "string" && ctor.name !== "" && ctor.name !== "Object" ? ctor.name : "anonymous storage";
}
