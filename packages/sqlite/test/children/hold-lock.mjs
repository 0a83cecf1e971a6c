// A child process: opens a new file in SQLite's default (rollback) journal mode and holds its write
// lock for `holdMs`, as a process in the middle of creating the file does.
// node hold-lock.mjs <path> <holdMs>; prints "locked", then "released".
import { writeSync } from "node:fs";
import Database from "better-sqlite3";

const [path, holdMs] = process.argv.slice(2);
const db = new Database(path);
db.exec("BEGIN IMMEDIATE");
db.exec("CREATE TABLE held (x)");
writeSync(1, "locked\n");
setTimeout(() => {
  db.exec("COMMIT");
  db.close();
  writeSync(1, "released\n");
}, Number(holdMs));
