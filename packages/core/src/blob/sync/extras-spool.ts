import { createReadStream, createWriteStream, type WriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { once } from "node:events";
import { createInterface } from "node:readline";
import type { ListedFile } from "../walk.js";

/** One extra target file, as the merge found it: its relative path and its listing entry. */
export interface Extra {
  path: string;
  entry: ListedFile;
}

/**
 * The extra target files a sync's merge finds, kept for its delete pass in the order found (the
 * merge's sorted order). The first `inMemory` stay in memory; past that, all of them go to a
 * temporary file of JSON lines, so memory stays bounded whatever the count, and the delete pass
 * deletes exactly what the merge found.
 *
 * Why not walk both sides again, as rclone's delete-after does with its own bounded memory: a
 * second walk trusts a second look at the source. A source renamed or unmounted between the two
 * walks would read as empty, and every target file would then look extra (issue 20's data loss).
 *
 * The spool file lives in a private folder of the system's temporary directory and is removed by
 * {@link ExtrasSpool.dispose}, whatever happened.
 */
export class ExtrasSpool {
  readonly #memory: Extra[] = [];
  #count = 0;
  #folder: string | undefined;
  #file: string | undefined;
  #out: WriteStream | undefined;
  #failure: { error: unknown } | undefined;
  #closing: Promise<void> | undefined;

  constructor(private readonly inMemory: number) {}

  /** How many extras were added. */
  get count(): number {
    return this.#count;
  }

  /** Adds one extra; resolves at once unless the spool file must drain first (backpressure). */
  add(extra: Extra): Promise<void> | undefined {
    this.#count++;
    if (this.#out === undefined && this.#memory.length < this.inMemory) {
      this.#memory.push(extra);
      return undefined;
    }
    return this.#spill(extra);
  }

  /** Every extra, in the order added. Call once adding is over. */
  async *entries(): AsyncGenerator<Extra, void, undefined> {
    if (this.#out === undefined) {
      yield* this.#memory;
      return;
    }
    await this.#close();
    const lines = createInterface({ input: createReadStream(this.#file as string, { encoding: "utf8" }), crlfDelay: Infinity });
    try {
      for await (const line of lines) yield decode(line);
    } finally {
      lines.close();
    }
  }

  /** Removes the spool file and its folder, if any. Never rejects. */
  async dispose(): Promise<void> {
    this.#memory.length = 0;
    try {
      await this.#close();
    } catch {
      // The spool is being thrown away: a failed flush no longer matters.
    }
    if (this.#folder !== undefined) await rm(this.#folder, { recursive: true, force: true }).catch(() => undefined);
    this.#folder = undefined;
  }

  async #spill(extra: Extra): Promise<void> {
    if (this.#out === undefined) {
      this.#folder = await mkdtemp(path.join(tmpdir(), "stowage-extras-"));
      this.#file = path.join(this.#folder, "extras.jsonl");
      const out = createWriteStream(this.#file, { flags: "wx" });
      out.on("error", (error) => (this.#failure ??= { error }));
      this.#out = out;
      const held = this.#memory.splice(0);
      for (const earlier of held) await this.#write(earlier);
    }
    await this.#write(extra);
  }

  async #write(extra: Extra): Promise<void> {
    if (this.#failure !== undefined) throw this.#failure.error;
    const out = this.#out as WriteStream;
    if (!out.write(`${encode(extra)}\n`)) await once(out, "drain");
  }

  /** Ends the spool file once (later calls wait for the same end); rethrows a write failure. */
  #close(): Promise<void> {
    const out = this.#out;
    if (out === undefined) return Promise.resolve();
    this.#closing ??= new Promise<void>((resolve, reject) => {
      out.end((error?: Error | null) => (error ? reject(error) : resolve()));
    }).then(() => {
      if (this.#failure !== undefined) throw this.#failure.error;
    });
    return this.#closing;
  }
}

/**
 * One line of the spool: the entry's fields, with `mtime` as epoch milliseconds and `mtimeNs` as
 * a decimal string (JSON has neither dates nor bigints).
 */
function encode({ path, entry }: Extra): string {
  const { mtime, mtimeNs, ...rest } = entry;
  return JSON.stringify({ p: path, e: rest, m: mtime?.getTime(), n: mtimeNs?.toString() });
}

function decode(line: string): Extra {
  const { p, e, m, n } = JSON.parse(line) as { p: string; e: ListedFile; m?: number; n?: string };
  const entry: ListedFile = { ...e };
  if (m !== undefined) entry.mtime = new Date(m);
  if (n !== undefined) entry.mtimeNs = BigInt(n);
  return { path: p, entry };
}
