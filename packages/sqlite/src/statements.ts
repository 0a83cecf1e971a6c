import type Database from "better-sqlite3";

/** A stored row: its uid and JSON text. */
export interface Row {
  seq: number;
  uid: string;
  data: string;
}

/** Rows per multi-row insert of a bulk add: fewer statement runs (the cost of a bulk add is mostly per statement). */
export const CHUNK = 100;

/** Every statement a store runs, prepared once per connection. */
export class Statements {
  readonly kindId: Database.Statement<[string, string], { id: number }>;
  readonly addKind: Database.Statement<[string, string]>;
  readonly get: Database.Statement<[number, string], { data: string }>;
  readonly page: Database.Statement<[number, number, number], Row>;
  readonly insert: Database.Statement<[number, string, string]>;
  /** {@link insert} of {@link CHUNK} rows at once (parameters: kind, uid, data of each row, flat). */
  readonly insertChunk: Database.Statement<unknown[]>;
  readonly put: Database.Statement<[number, string, string]>;
  readonly update: Database.Statement<[string, number, string]>;
  readonly delete: Database.Statement<[number, string]>;
  readonly count: Database.Statement<[number], { n: number }>;
  readonly countAll: Database.Statement<[string], { n: number }>;
  readonly models: Database.Statement<[string], { model: string }>;

  constructor(db: Database.Database) {
    this.kindId = db.prepare("SELECT id FROM stowage_kinds WHERE store_id = ? AND model = ?");
    this.addKind = db.prepare("INSERT OR IGNORE INTO stowage_kinds (store_id, model) VALUES (?, ?)");
    this.get = db.prepare("SELECT data FROM stowage_objects WHERE kind = ? AND uid = ?");
    this.page = db.prepare("SELECT seq, uid, data FROM stowage_objects WHERE kind = ? AND seq > ? ORDER BY seq LIMIT ?");
    // The unique index decides, under the write lock: of racing adds (any process), one inserts.
    this.insert = db.prepare("INSERT INTO stowage_objects (kind, uid, data) VALUES (?, ?, ?) ON CONFLICT (kind, uid) DO NOTHING");
    this.insertChunk = db.prepare(
      `INSERT INTO stowage_objects (kind, uid, data) VALUES ${Array(CHUNK).fill("(?, ?, ?)").join(", ")} ON CONFLICT (kind, uid) DO NOTHING`,
    );
    // An upsert keeps the row's seq, so an update keeps the object's place in the order.
    this.put = db.prepare("INSERT INTO stowage_objects (kind, uid, data) VALUES (?, ?, ?) ON CONFLICT (kind, uid) DO UPDATE SET data = excluded.data");
    // Most puts replace a stored object: a plain UPDATE first is cheaper than the upsert's failed insert.
    this.update = db.prepare("UPDATE stowage_objects SET data = ? WHERE kind = ? AND uid = ?");
    this.delete = db.prepare("DELETE FROM stowage_objects WHERE kind = ? AND uid = ?");
    this.count = db.prepare("SELECT count(*) AS n FROM stowage_objects WHERE kind = ?");
    this.countAll = db.prepare(
      "SELECT count(*) AS n FROM stowage_objects WHERE kind IN (SELECT id FROM stowage_kinds WHERE store_id = ?)",
    );
    this.models = db.prepare(
      "SELECT model FROM stowage_kinds k WHERE store_id = ? AND EXISTS (SELECT 1 FROM stowage_objects o WHERE o.kind = k.id) ORDER BY id",
    );
  }
}
