import type Database from "better-sqlite3";
import { ObjectStoreError } from "@stowage/core";

/**
 * The schema version this release writes, kept in the file's `PRAGMA user_version`. A file of a
 * newer version is refused (its layout may mean something this release would misread); an older
 * one is migrated when a later release changes the layout.
 */
export const SCHEMA_VERSION = 1;

/*
 * Layout (version 1):
 * - `stowage_kinds`: one row per (storeId, model type name), numbered; rows are never deleted, so
 *   a kind's number can be cached by every connection.
 * - `stowage_objects`: one row per object, its validated JSON in `data`. `seq` (the rowid) is the
 *   insertion order: an update keeps it (upsert), a remove then add takes a new one.
 */
const CREATE = `
CREATE TABLE stowage_kinds (
  id INTEGER PRIMARY KEY,
  store_id TEXT NOT NULL,
  model TEXT NOT NULL,
  UNIQUE (store_id, model)
);
CREATE TABLE stowage_objects (
  seq INTEGER PRIMARY KEY,
  kind INTEGER NOT NULL REFERENCES stowage_kinds (id),
  uid TEXT NOT NULL,
  data TEXT NOT NULL
);
CREATE UNIQUE INDEX stowage_objects_uid ON stowage_objects (kind, uid);
CREATE INDEX stowage_objects_order ON stowage_objects (kind, seq);
`;

/**
 * Sets up a fresh connection: WAL journal, `busyTimeoutMs` to wait for another process's write
 * lock, and the schema (created in an empty file, checked in any other). Throws
 * `ObjectStoreError` (`E_OBJECT_STORE`) for a file of a newer schema version than
 * {@link SCHEMA_VERSION}, naming both versions.
 */
export function prepareDatabase(db: Database.Database, path: string, busyTimeoutMs: number): void {
  db.pragma(`busy_timeout = ${busyTimeoutMs}`);
  // A file opened read-only or in memory keeps its journal mode; WAL is what lets readers of other processes run during a write.
  useWal(db, busyTimeoutMs);
  // In WAL mode NORMAL loses no committed transaction on a process crash (only, at worst, the last ones on a power loss).
  db.pragma("synchronous = NORMAL");
  const version = userVersion(db);
  if (version > SCHEMA_VERSION) throw newerSchema(path, version);
  if (version === SCHEMA_VERSION) return;
  // Two processes may open a new file at once: the write lock makes one create, the other see it.
  db.exec("BEGIN IMMEDIATE");
  try {
    const locked = userVersion(db);
    if (locked > SCHEMA_VERSION) throw newerSchema(path, locked);
    if (locked === 0) {
      db.exec(CREATE);
      db.pragma(`user_version = ${SCHEMA_VERSION}`);
    }
    db.exec("COMMIT");
  } catch (error) {
    db.exec("ROLLBACK");
    throw error;
  }
}

/** How long to sleep between tries of a journal-mode switch that found the file locked (ms). */
const WAL_RETRY_MS = 5;
/** What {@link useWal} sleeps on: nothing ever wakes it, so each wait lasts its timeout. */
const SLEEPER = new Int32Array(new SharedArrayBuffer(4));

/**
 * Puts the file in WAL mode. The switch takes an exclusive lock without calling SQLite's busy
 * handler, so a process that opens a file while another holds a lock on it (creating it, writing
 * it, or switching it itself) gets `SQLITE_BUSY` at once; this tries again, sleeping, until
 * `busyTimeoutMs` has passed, as every other lock waits.
 */
function useWal(db: Database.Database, busyTimeoutMs: number): void {
  const deadline = Date.now() + busyTimeoutMs;
  for (;;) {
    try {
      // A file already in WAL mode (every open but the first) needs no exclusive lock at all.
      if (db.pragma("journal_mode", { simple: true }) === "wal") return;
      db.pragma("journal_mode = WAL");
      return;
    } catch (error) {
      if (!isBusy(error) || Date.now() >= deadline) throw error;
      // The constructor is synchronous; a short blocking sleep is what SQLite's own busy handler does.
      Atomics.wait(SLEEPER, 0, 0, WAL_RETRY_MS);
    }
  }
}

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && code.startsWith("SQLITE_BUSY");
}

function userVersion(db: Database.Database): number {
  return db.pragma("user_version", { simple: true }) as number;
}

function newerSchema(path: string, version: number): ObjectStoreError {
  return new ObjectStoreError(
    `SQLiteStore: ${path} has schema version ${version}, newer than this release of @stowage/sqlite reads (${SCHEMA_VERSION}); upgrade @stowage/sqlite`,
  );
}
