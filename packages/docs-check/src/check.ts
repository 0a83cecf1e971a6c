import { execFile } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import type { CodeBlock } from "./blocks.js";

/** Where a block is written, by kind: TypeScript and ES modules as ESM, `cjs` as CommonJS. */
const EXTENSIONS = { ts: ".ts", js: ".mjs", cjs: ".cjs" } as const;

/** A block written to disk for checking. */
export interface BlockFile {
  block: CodeBlock;
  /** Absolute path of the written source. */
  file: string;
}

/** True for the kinds the compiler checks: TypeScript and JavaScript. */
export function isCode(block: CodeBlock): block is CodeBlock & { kind: keyof typeof EXTENSIONS } {
  return block.kind in EXTENSIONS;
}

/**
 * Writes each code block to `dir` (emptied first) as its own module, so that the workspace's
 * packages resolve from there as they would in a user's project. A TypeScript block without an
 * import or export gets `export {}` appended, so that it is a module (top-level await allowed).
 */
export function writeBlocks(blocks: readonly CodeBlock[], dir: string): BlockFile[] {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, "package.json"), `${JSON.stringify({ type: "module", private: true })}\n`);
  return blocks.filter(isCode).map((block) => {
    const name = `${block.readme.replace(/[^\w]+/g, "_")}-L${block.line}${EXTENSIONS[block.kind]}`;
    const file = path.join(dir, name);
    const isModule = /^\s*(import|export)\b/m.test(block.code);
    writeFileSync(file, block.kind === "ts" && !isModule ? `${block.code}\nexport {};\n` : `${block.code}\n`);
    return { block, file };
  });
}

/** The compiler options blocks are checked with: the repository's strict settings, JavaScript checked too. */
export const BLOCK_COMPILER_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  lib: ["lib.es2023.d.ts"],
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  types: ["node"],
  strict: true,
  noUncheckedIndexedAccess: true,
  noImplicitOverride: true,
  esModuleInterop: true,
  skipLibCheck: true,
  allowJs: true,
  checkJs: true,
  noEmit: true,
};

/**
 * Type-checks every written block in one program against the workspace packages' built types.
 *
 * @returns one message per error, located at its README line (`packages/core/README.md:57: ...`)
 */
export function typecheck(files: readonly BlockFile[]): string[] {
  const program = ts.createProgram(
    files.map((entry) => entry.file),
    BLOCK_COMPILER_OPTIONS,
  );
  const byFile = new Map(files.map((entry) => [path.resolve(entry.file), entry.block]));
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n");
    const block = diagnostic.file === undefined ? undefined : byFile.get(path.resolve(diagnostic.file.fileName));
    if (block === undefined || diagnostic.file === undefined || diagnostic.start === undefined) return message;
    const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
    return `${block.readme}:${block.line + 1 + line}: ${message}`;
  });
}

/** What running a block gave. */
export interface RunResult {
  /** Exit code, or `null` when it was killed (by the timeout). */
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs one written block with node, in `cwd` (a fresh folder, so relative paths land there).
 * TypeScript is transpiled first (types erased, nothing checked: {@link typecheck} does that).
 *
 * @param timeoutMs - the block is killed after this many milliseconds
 * @param env - variables added to this process's environment (e.g. `REDIS_URL`)
 */
export async function runBlock(entry: BlockFile, cwd: string, timeoutMs: number, env: NodeJS.ProcessEnv = {}): Promise<RunResult> {
  let script = entry.file;
  if (entry.block.kind === "ts") {
    const output = ts.transpileModule(entry.block.code, {
      compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, verbatimModuleSyntax: false },
      fileName: path.basename(entry.file),
    });
    script = entry.file.replace(/\.ts$/, ".run.mjs");
    writeFileSync(script, output.outputText);
  }
  return new Promise((resolve) => {
    const options = { cwd, env: { ...process.env, ...env }, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 };
    execFile(process.execPath, [script], options, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === "number" ? error.code : null;
      resolve({ code, stdout, stderr });
    });
  });
}
