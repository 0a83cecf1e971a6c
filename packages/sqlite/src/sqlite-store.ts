import { randomUUID } from "node:crypto";
import Database from "better-sqlite3";
import { BaseStore, ObjectStoreError, isStowageError, type BaseStoreOptions, type ObjectModel } from "@stowage/core";
import { prepareDatabase } from "./schema.js";
import { CHUNK, Statements } from "./statements.js";

/** Options of {@link SQLiteStore}. */
export interface SQLiteStoreOptions extends BaseStoreOptions {
  /** The database file (created if missing), or `":memory:"` for a private in-memory database. */
  path: string;
  /** The dataset's id: stores (in any process) opening one file with the same id share one dataset. Default a random UUID. */
  storeId?: string;
  /** How long a write waits for another process's write lock before failing, in ms. Default 5000. */
  busyTimeoutMs?: number;
}

/** Thrown inside a chunk's savepoint to undo a multi-row insert that did not insert every row. */
const PARTIAL = Symbol("partial chunk");

/** Objects per page of a scan: bounds the memory of `iterate`. */
const PAGE = 1000;

/**
 * An object store in one SQLite file, through better-sqlite3: diffsync's SQLiteStore example made
 * real. One connection per store, WAL journal, prepared statements, JSON rows (never pickle), a
 * schema version in the file, `add` atomic across processes, several datasets per file by
 * `storeId`, insertion order. Each write is one transaction, each bulk method included; an
 * Adapter sync commits each run of whole families as one ({@link commitTogether}), and
 * {@link transaction} makes a whole sync one.
 *
 * Objects are read back as fresh copies: after changing one, call `update` to store the change.
 * Errors: a file of a newer schema, a file that is not a database, and any call after
 * {@link close} throw `ObjectStoreError` (`E_OBJECT_STORE`).
 */
export class SQLiteStore extends BaseStore {
  /** The dataset's id. */
  readonly storeId: string;
  /** The database file, as given. */
  readonly path: string;
  readonly #db: Database.Database;
  readonly #sql: Statements;
  /** Runs a function as one transaction (a savepoint inside {@link transaction}); made once, not per write. */
  readonly #atomic: Database.Transaction<(write: () => unknown) => unknown>;
  /** Kind number of each model type name of this dataset (kinds are never deleted, so never stale). */
  readonly #kinds = new Map<string, number>();

  constructor(options: SQLiteStoreOptions) {
    super(options);
    const { path, storeId = randomUUID(), busyTimeoutMs = 5000 } = options ?? ({} as SQLiteStoreOptions);
    for (const [name, value] of [["path", path], ["storeId", storeId]] as const) {
      if (typeof value !== "string" || value === "") throw new ObjectStoreError(`SQLiteStore: ${name} must be a non-empty string`);
    }
    if (!Number.isInteger(busyTimeoutMs) || busyTimeoutMs < 0) {
      throw new ObjectStoreError("SQLiteStore: busyTimeoutMs must be a non-negative integer (ms)");
    }
    this.storeId = storeId;
    this.path = path;
    let db: Database.Database | undefined;
    try {
      db = new Database(path);
      prepareDatabase(db, path, busyTimeoutMs);
      this.#sql = new Statements(db);
    } catch (error) {
      db?.close();
      throw wrap(`SQLiteStore: cannot open ${path}`, error);
    }
    this.#db = db;
    this.#atomic = db.transaction((write: () => unknown) => write());
  }

  /**
   * Closes the connection, releasing the file (the last connection to close checkpoints the WAL
   * into it). A {@link transaction} still running is rolled back. Later calls throw
   * `E_OBJECT_STORE`; closing again does nothing.
   */
  override async close(): Promise<void> {
    if (!this.#db.open) return;
    // A transaction() still running is given up: what it wrote is rolled back, not half kept.
    if (this.#db.inTransaction) this.#db.exec("ROLLBACK");
    this.#db.close();
  }

  /**
   * Runs `work` (say, `() => adapter.syncFrom(source)`) as one transaction: every write of this
   * store until it settles commits when it resolves, or is rolled back when it rejects (the
   * rejection is passed on) or when the process dies first. A sync cut short by `kill -9` then
   * leaves the file as it was before it. Meanwhile the file's write lock is held: writers of other
   * processes wait (up to their busy timeout), readers see the state before. Every write of this
   * store made meanwhile joins it, whoever makes it; a nested call runs inside the outer one.
   */
  transaction<T>(work: () => Promise<T> | T): Promise<T> {
    return this.#immediate(work, () => this.#rollback());
  }

  /**
   * Runs `work` as one transaction that commits when it settles, whether it resolves or rejects:
   * a process that dies first keeps none of its writes. An Adapter sync runs each batch of whole
   * families in one, so a sync killed midway leaves each family as it was or as synced. The write
   * lock is held meanwhile (see {@link transaction}). Inside {@link transaction}, it joins it.
   */
  override commitTogether<T>(work: () => Promise<T>): Promise<T> {
    // What work wrote before it failed is kept (unless SQLite already rolled it back, or close() did).
    return this.#immediate(work, () => {
      if (this.#db.open && this.#db.inTransaction) this.#commit();
    });
  }

  /**
   * Runs `work` in one `BEGIN IMMEDIATE` transaction (or inside the one already open), commits
   * when it resolves, and calls `onFailure` (roll back, or commit) before passing its rejection on.
   */
  async #immediate<T>(work: () => Promise<T> | T, onFailure: () => void): Promise<T> {
    this.#open();
    if (this.#db.inTransaction) return work();
    this.#exec("BEGIN IMMEDIATE");
    let result: T;
    try {
      result = await work();
    } catch (error) {
      onFailure();
      throw error;
    }
    this.#commit();
    return result;
  }

  protected async getMany(modelName: string, uids: readonly string[]): Promise<(ObjectModel | undefined)[]> {
    return this.#read(() => {
      const kind = this.#kind(modelName, false);
      if (kind === undefined) return uids.map(() => undefined);
      const get = this.#sql.get;
      return uids.map((uid) => {
        const row = get.get(kind, uid);
        return row === undefined ? undefined : this.decode(row.data);
      });
    });
  }

  protected async *scan(modelName: string): AsyncGenerator<ObjectModel[], void, undefined> {
    const kind = this.#kind(modelName, false);
    if (kind === undefined) return;
    // Keyset pages: no statement stays open between two yields (it would block this connection's writes).
    for (let after = 0; ;) {
      const rows = this.#read(() => this.#sql.page.all(kind, after, PAGE));
      if (rows.length === 0) return;
      after = (rows[rows.length - 1] as { seq: number }).seq;
      yield rows.map((row) => this.decode(row.data));
      if (rows.length < PAGE) return;
    }
  }

  protected async insert(obj: ObjectModel): Promise<ObjectModel | undefined> {
    return this.#write(() => this.#insertOne(obj));
  }

  protected async put(obj: ObjectModel): Promise<void> {
    // One statement (two when the object is new, each atomic by itself): no transaction of its own needed.
    this.#read(() => this.#putOne(obj));
  }

  /**
   * One transaction for them all, in multi-row inserts of `CHUNK`. A chunk in which any row
   * is already stored (or repeats an earlier uid) is undone and inserted row by row, so each
   * object still gets its own answer.
   */
  protected override async insertMany(objs: readonly ObjectModel[]): Promise<(ObjectModel | undefined)[]> {
    return this.#write(() => {
      const existing: (ObjectModel | undefined)[] = new Array(objs.length).fill(undefined);
      let start = 0;
      for (; start + CHUNK <= objs.length; start += CHUNK) {
        if (this.#insertChunk(objs, start)) continue;
        for (let i = start; i < start + CHUNK; i++) existing[i] = this.#insertOne(objs[i] as ObjectModel);
      }
      for (let i = start; i < objs.length; i++) existing[i] = this.#insertOne(objs[i] as ObjectModel);
      return existing;
    });
  }

  /** Inserts `objs[start..start + CHUNK)` with one statement, in a savepoint; false (nothing inserted) unless every row was new. */
  #insertChunk(objs: readonly ObjectModel[], start: number): boolean {
    const params: unknown[] = new Array(CHUNK * 3);
    for (let i = 0; i < CHUNK; i++) {
      const obj = objs[start + i] as ObjectModel;
      params[3 * i] = this.#kind(obj.getType(), true);
      params[3 * i + 1] = obj.getUniqueId();
      params[3 * i + 2] = this.encode(obj);
    }
    try {
      this.#atomic(() => {
        if (this.#sql.insertChunk.run(params).changes !== CHUNK) throw PARTIAL;
      });
      return true;
    } catch (error) {
      if (error === PARTIAL) return false;
      throw error;
    }
  }

  /** One transaction for them all. */
  protected override async putMany(objs: readonly ObjectModel[]): Promise<void> {
    this.#write(() => {
      for (const obj of objs) this.#putOne(obj);
    });
  }

  protected async deleteMany(modelName: string, uids: readonly string[]): Promise<boolean[]> {
    const kind = this.#kind(modelName, false);
    if (kind === undefined) return uids.map(() => false);
    const del = this.#sql.delete;
    if (uids.length === 1) return [this.#read(() => del.run(kind, uids[0] as string).changes === 1)];
    return this.#write(() => uids.map((uid) => del.run(kind, uid).changes === 1));
  }

  protected async countStored(modelName: string | undefined): Promise<number> {
    if (modelName === undefined) return this.#read(() => (this.#sql.countAll.get(this.storeId) as { n: number }).n);
    const kind = this.#kind(modelName, false);
    return kind === undefined ? 0 : this.#read(() => (this.#sql.count.get(kind) as { n: number }).n);
  }

  protected async modelNames(): Promise<string[]> {
    return this.#read(() => this.#sql.models.all(this.storeId).map((row) => row.model));
  }

  #insertOne(obj: ObjectModel): ObjectModel | undefined {
    const kind = this.#kind(obj.getType(), true) as number;
    const uid = obj.getUniqueId();
    if (this.#sql.insert.run(kind, uid, this.encode(obj)).changes === 1) return undefined;
    return this.decode((this.#sql.get.get(kind, uid) as { data: string }).data);
  }

  #putOne(obj: ObjectModel): void {
    const kind = this.#kind(obj.getType(), true) as number;
    const uid = obj.getUniqueId();
    const text = this.encode(obj);
    // A remove by another process between the two statements is fine: the upsert then inserts.
    if (this.#sql.update.run(text, kind, uid).changes === 0) this.#sql.put.run(kind, uid, text);
  }

  /** The kind number of a model type in this dataset; with `create`, made if missing (inside a write). */
  #kind(model: string, create: boolean): number | undefined {
    const known = this.#kinds.get(model);
    if (known !== undefined) return known;
    this.#open();
    let row = this.#sql.kindId.get(this.storeId, model);
    if (row === undefined && create) {
      this.#sql.addKind.run(this.storeId, model);
      row = this.#sql.kindId.get(this.storeId, model);
    }
    if (row !== undefined) this.#kinds.set(model, row.id);
    return row?.id;
  }

  #write<T>(write: () => T): T {
    this.#open();
    try {
      // Immediate: the write lock is taken first, so of racing adds (any process) one inserts, the others see it.
      // Inside transaction() this is a savepoint, so a failing write still changes nothing.
      return this.#atomic.immediate(write) as T;
    } catch (error) {
      this.#kinds.clear();
      throw wrap(`${this.name}: write to ${this.path} failed`, error);
    }
  }

  /**
   * Commits the open transaction; `E_OBJECT_STORE` when it ended before (SQLite rolls a
   * transaction back by itself on some errors, a full disk say). A failed COMMIT may leave it
   * open: it is rolled back, nothing of it kept.
   */
  #commit(): void {
    this.#open();
    if (!this.#db.inTransaction) {
      throw new ObjectStoreError(`${this.name}: the transaction on ${this.path} ended before its commit (SQLite rolls one back by itself after some errors): its writes up to then are lost`);
    }
    try {
      this.#exec("COMMIT");
    } catch (error) {
      this.#rollback();
      throw error;
    }
  }

  /** Undoes an open transaction(); the kinds it made are gone with it. */
  #rollback(): void {
    if (this.#db.open && this.#db.inTransaction) this.#db.exec("ROLLBACK");
    this.#kinds.clear();
  }

  #exec(sql: string): void {
    this.#open();
    try {
      this.#db.exec(sql);
    } catch (error) {
      throw wrap(`${this.name}: ${sql} on ${this.path} failed`, error);
    }
  }

  #read<T>(read: () => T): T {
    this.#open();
    try {
      return read();
    } catch (error) {
      throw wrap(`${this.name}: statement on ${this.path} failed`, error);
    }
  }

  #open(): void {
    if (!this.#db.open) throw new ObjectStoreError(`${this.name}: the store is closed (${this.path})`);
  }
}

/** A stowage error as it is; anything else (SQLITE_BUSY, SQLITE_CORRUPT, ...) as ObjectStoreError with it as cause. */
function wrap(message: string, error: unknown): Error {
  if (isStowageError(error)) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new ObjectStoreError(`${message}: ${detail}`, { cause: error });
}
