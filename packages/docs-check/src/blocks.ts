import { readFileSync, readdirSync, existsSync } from "node:fs";
import path from "node:path";

/** How a block is checked: `run` (type-check, then run), `typecheck-only`, or `skip` (neither). */
export type BlockMode = "run" | "typecheck-only" | "skip";

/**
 * A test server a block runs against: `redis` (a private redis-server, its URL in `REDIS_URL`) or
 * `s3` (an S3-compatible server, given to the AWS SDK through `AWS_ENDPOINT_URL` and dummy
 * credentials, with every bucket the block names as `bucket: "..."` created).
 */
export type BlockService = "redis" | "s3";

/** The kind of code a fenced block holds, from its info string. */
export type BlockKind = "ts" | "js" | "cjs" | "shell" | "other";

/** One fenced code block of a README. */
export interface CodeBlock {
  /** The README's path relative to the repository root, e.g. `packages/core/README.md`. */
  readme: string;
  /** 1-based line of the opening fence. */
  line: number;
  /** The fence's info string as written (`ts`, `sh`, `text`, ...). */
  lang: string;
  kind: BlockKind;
  /** The block's text, without the fences. */
  code: string;
  mode: BlockMode;
  /** Why the block is not run (the marker's reason), for `typecheck-only` and `skip`. */
  reason: string | undefined;
  /** Servers the harness starts for the block's run (`<!-- docs-check: with redis -->`). */
  services: BlockService[];
}

const KINDS: Record<string, BlockKind> = {
  ts: "ts",
  typescript: "ts",
  js: "js",
  javascript: "js",
  mjs: "js",
  cjs: "cjs",
  sh: "shell",
  bash: "shell",
  shell: "shell",
};

/**
 * The opt-out marker, on its own line just above a fence (blank lines between are allowed):
 * `<!-- docs-check: typecheck-only: <reason> -->` or `<!-- docs-check: skip: <reason> -->`.
 */
const MARKER = /^<!--\s*docs-check:\s*(typecheck-only|skip)\s*:\s*(.*?)\s*-->\s*$/;
/** The service marker: `<!-- docs-check: with redis -->` (or `s3`), the block runs against a private server. */
const SERVICE_MARKER = /^<!--\s*docs-check:\s*with\s+(redis|s3)\s*-->\s*$/;
const ANY_MARKER = /^<!--\s*docs-check\b/;

/** Every README the check covers: the top-level one and each `packages/<name>/README.md`. */
export function findReadmes(root: string): string[] {
  const found = ["README.md"];
  for (const name of readdirSync(path.join(root, "packages")).sort()) {
    const readme = path.join("packages", name, "README.md");
    if (existsSync(path.join(root, readme))) found.push(readme);
  }
  return found;
}

/**
 * The fenced code blocks of one README, with their opt-out markers.
 *
 * @throws Error for a marker with no reason, a marker not followed by a fence, or an unclosed fence
 */
export function extractBlocks(root: string, readme: string): CodeBlock[] {
  const lines = readFileSync(path.join(root, readme), "utf8").split(/\r?\n/);
  const blocks: CodeBlock[] = [];
  let pending: { mode: BlockMode; reason: string | undefined; services: BlockService[]; line: number } | undefined;
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i] ?? "";
    const fence = /^ {0,3}(`{3,})\s*([\w+-]*)/.exec(text);
    if (fence === null) {
      const service = SERVICE_MARKER.exec(text);
      if (service !== null) {
        pending = { mode: "run", reason: undefined, services: [service[1] as BlockService], line: i + 1 };
      } else if (ANY_MARKER.test(text)) {
        const marker = MARKER.exec(text);
        if (marker === null || (marker[2] ?? "").length < 8) {
          throw new Error(
            `${readme}:${i + 1}: a docs-check marker is <!-- docs-check: typecheck-only: why -->, <!-- docs-check: skip: why --> or <!-- docs-check: with redis -->`,
          );
        }
        pending = { mode: marker[1] as BlockMode, reason: marker[2] ?? "", services: [], line: i + 1 };
      } else if (text.trim() !== "" && pending !== undefined) {
        throw new Error(`${readme}:${pending.line}: a docs-check marker must come right before a code block`);
      }
      continue;
    }
    const ticks = fence[1] ?? "```";
    const lang = fence[2] ?? "";
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !(lines[i] ?? "").trimStart().startsWith(ticks); i++) body.push(lines[i] ?? "");
    if (i >= lines.length) throw new Error(`${readme}:${start + 1}: unclosed code fence`);
    blocks.push({
      readme,
      line: start + 1,
      lang,
      kind: KINDS[lang.toLowerCase()] ?? "other",
      code: body.join("\n"),
      mode: pending?.mode ?? "run",
      reason: pending?.reason,
      services: pending?.services ?? [],
    });
    pending = undefined;
  }
  return blocks;
}

/**
 * The relative paths a block reads with `createReadStream("...")` or `readFile("...")`: the harness
 * creates them, with sample bytes, in the folder the block runs in.
 */
export function inputFiles(code: string): string[] {
  const files = new Set<string>();
  for (const match of code.matchAll(/\b(?:createReadStream|readFile|readFileSync)\(\s*["']([^"'/][^"']*)["']/g)) {
    const file = match[1] ?? "";
    if (!file.startsWith("..") && !file.includes(":")) files.add(file);
  }
  return [...files];
}

/** The bucket names a block gives as `bucket: "..."`: the harness creates them on its S3 server. */
export function bucketNames(code: string): string[] {
  return [...new Set([...code.matchAll(/\bbucket:\s*["']([^"']+)["']/g)].map((match) => match[1] ?? ""))];
}

/** The package names an `npm install` / `pnpm add` / `yarn add` line of a shell block installs. */
export function installedPackages(blocks: readonly CodeBlock[]): Set<string> {
  const installed = new Set<string>();
  for (const block of blocks) {
    if (block.kind !== "shell") continue;
    for (const line of block.code.split("\n")) {
      const command = line.replace(/#.*$/, "");
      if (!/\b(npm (install|i|add)|pnpm add|yarn add)\b/.test(command)) continue;
      for (const word of command.split(/\s+/)) if (/^(@[\w.-]+\/)?[\w.-]+$/.test(word) && !/^(npm|pnpm|yarn|install|i|add)$/.test(word)) installed.add(word);
    }
  }
  return installed;
}

/** The bare package names a code block imports or requires (`node:` built-ins and relative paths left out). */
export function importedPackages(code: string): Set<string> {
  const names = new Set<string>();
  const pattern = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)["']([^"']+)["']/g;
  for (const match of code.matchAll(pattern)) {
    const specifier = match[1] ?? "";
    if (specifier.startsWith(".") || specifier.startsWith("/") || specifier.startsWith("node:")) continue;
    const parts = specifier.split("/");
    names.add(specifier.startsWith("@") ? parts.slice(0, 2).join("/") : (parts[0] ?? specifier));
  }
  return names;
}
