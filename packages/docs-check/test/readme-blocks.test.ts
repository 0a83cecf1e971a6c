// Every README code block, checked: TypeScript/JavaScript blocks are type-checked against the
// workspace packages' built types and run (unless marked), and the README's main shell commands run.
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { startRedis, type RedisServer } from "@stowage/testkit/redis";
import { startS3Server, type S3TestServer } from "@stowage/testkit/s3";
import { bucketNames, extractBlocks, findReadmes, importedPackages, inputFiles, installedPackages, type CodeBlock } from "../src/blocks.js";
import { isCode, runBlock, typecheck, writeBlocks } from "../src/check.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../../..");
const blocksDir = path.resolve(here, "../.blocks");
const TEST_COMMAND = "bash scripts/setup.sh && pnpm test";
const DEMO_COMMAND = "bash scripts/setup.sh && pnpm demo";

const readmes = findReadmes(root);
const blocks: CodeBlock[] = readmes.flatMap((readme) => extractBlocks(root, readme));
const files = writeBlocks(
  blocks.filter((block) => block.mode !== "skip"),
  blocksDir,
);
const temps: string[] = [];
let redis: Promise<RedisServer> | undefined;
let s3: Promise<S3TestServer> | undefined;
afterAll(async () => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
  if (redis !== undefined) await (await redis).stop();
  if (s3 !== undefined) await (await s3).stop();
});

/** The environment a block's services need, starting each server on first use. */
async function serviceEnv(block: CodeBlock): Promise<NodeJS.ProcessEnv> {
  const env: NodeJS.ProcessEnv = {};
  if (block.services.includes("redis")) {
    redis ??= startRedis();
    env.REDIS_URL = (await redis).url;
  }
  if (block.services.includes("s3")) {
    s3 ??= startS3Server();
    const server = await s3;
    // A fresh server per block would be cleaner; one server with fresh buckets is cheaper.
    for (const bucket of bucketNames(block.code)) {
      try {
        server.createBucket(bucket);
      } catch {
        // already made for an earlier block
      }
    }
    Object.assign(env, {
      AWS_ENDPOINT_URL: server.endpoint, // an IP address: the SDK uses path-style requests
      AWS_ACCESS_KEY_ID: "docs-check",
      AWS_SECRET_ACCESS_KEY: "docs-check",
      AWS_REGION: "us-east-1",
      AWS_CONFIG_FILE: "/dev/null",
      AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
      AWS_EC2_METADATA_DISABLED: "true",
    });
  }
  return env;
}

function tempDir(name: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `stowage-docs-${name}-`));
  temps.push(dir);
  return dir;
}

function sh(command: string, cwd: string, env: NodeJS.ProcessEnv = {}): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile("bash", ["-c", command], { cwd, env: { ...process.env, ...env }, timeout: 120_000 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === "number" ? error.code : -1, output: `${stdout}${stderr}` });
    });
  });
}

const where = (block: CodeBlock): string => `${block.readme}:${block.line}`;

describe("README code blocks", () => {
  it("are found in the top-level README and every package README", () => {
    expect(readmes).toContain("README.md");
    expect(readmes).toContain("packages/core/README.md");
    expect(blocks.filter(isCode).length).toBeGreaterThan(10);
  });

  it("opt out only with a reason: every skipped or typecheck-only block says why", () => {
    for (const block of blocks.filter((b) => b.mode !== "run")) {
      expect(block.reason?.length ?? 0, `${where(block)} is marked ${block.mode} without a reason`).toBeGreaterThan(7);
    }
  });

  it("every TypeScript and JavaScript block type-checks against the workspace packages", () => {
    expect(typecheck(files)).toEqual([]);
  });

  const runnable = files.filter((entry) => entry.block.mode === "run");
  it.each(runnable.map((entry) => [where(entry.block), entry] as const))("%s runs", async (_, entry) => {
    const cwd = tempDir("run");
    for (const file of inputFiles(entry.block.code)) {
      mkdirSync(path.dirname(path.join(cwd, file)), { recursive: true });
      writeFileSync(path.join(cwd, file), Buffer.alloc(100_000, 42));
    }
    const result = await runBlock(entry, cwd, 60_000, await serviceEnv(entry.block));
    expect(result.code, `${where(entry.block)} exited with ${result.code}:\n${result.stderr}`).toBe(0);
  });

  it("the top-level README installs every package its examples import", () => {
    const top = blocks.filter((block) => block.readme === "README.md");
    const installed = installedPackages(top);
    const needed = new Set(top.filter(isCode).flatMap((block) => [...importedPackages(block.code)]));
    expect(needed.size).toBeGreaterThan(0);
    expect([...needed].filter((name) => !installed.has(name))).toEqual([]);
  });

  it("every @stowage package a README installs is a published package of this workspace", () => {
    const published = new Set(
      readdirSync(path.join(root, "packages"))
        .map((dir) => path.join(root, "packages", dir, "package.json"))
        .filter((file) => existsSync(file))
        .map((file) => JSON.parse(readFileSync(file, "utf8")) as { name: string; private?: boolean })
        .filter((pkg) => pkg.private !== true)
        .map((pkg) => pkg.name),
    );
    for (const readme of readmes) {
      for (const name of installedPackages(blocks.filter((block) => block.readme === readme))) {
        if (name.startsWith("@stowage/")) expect(published.has(name), `${readme} installs ${name}`).toBe(true);
      }
    }
  });
});

describe("the top-level README's commands", () => {
  const top = blocks.filter((block) => block.readme === "README.md" && block.kind === "shell");

  it("the test command is the one CI runs", () => {
    expect(top.map((block) => block.code.trim())).toContain(TEST_COMMAND);
    expect(readFileSync(path.join(root, ".ci/run"), "utf8").split("\n")).toContain(TEST_COMMAND);
  });

  it("the demo (Try it) snapshots and mirrors a project, and a second run skips every file", async () => {
    expect(top.map((block) => block.code.trim())).toContain(DEMO_COMMAND);
    const demo = tempDir("demo");
    const env = { STOWAGE_DEMO_DIR: demo };
    const first = await sh("bash scripts/demo.sh", root, env);
    expect(first.code, first.output).toBe(0);
    expect(first.output).toMatch(/copied 4 files/);
    expect(readFileSync(path.join(demo, "mirror/snapshots/latest/docs/guide.md"), "utf8")).toBe("Install, run, enjoy.\n");
    const second = await sh("bash scripts/demo.sh", root, env);
    expect(second.code, second.output).toBe(0);
    expect(second.output).toMatch(/copied 0 files \(0 B\), skipped 4 unchanged/);
  });

  it("its commands use `pnpm stowage` (a fresh clone has no `stowage` on PATH), which runs the built CLI", () => {
    const lines = top.flatMap((block) => block.code.split("\n")).map((line) => line.trim());
    expect(lines.filter((line) => /^stowage\s/.test(line))).toEqual([]);
    const scripts = (JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
    expect(scripts.stowage).toBe("node scripts/stowage.mjs");
  });

  it("its local `pnpm stowage` commands run as written in a folder of the clone with a sample ./project", async () => {
    // Inside the clone, where a newcomer types them: pnpm finds the root's `stowage` script from
    // any folder below it, and the script runs the CLI in that folder.
    mkdirSync(path.join(root, ".try-it"), { recursive: true });
    const cwd = mkdtempSync(path.join(root, ".try-it", "readme-"));
    temps.push(cwd);
    mkdirSync(path.join(cwd, "project/docs"), { recursive: true });
    writeFileSync(path.join(cwd, "project/README.md"), "# sample\n");
    writeFileSync(path.join(cwd, "project/docs/guide.md"), "a guide\n");
    // A command continued with a trailing backslash is one command.
    const commands = top.flatMap((block) => block.code.replace(/\\\n\s*/g, "").split("\n")).filter((line) => /^pnpm stowage\s/.test(line));
    // Commands naming a server (s3://, redis://) need one: they are the same CLI with another backend.
    // So do those using a shell variable of their block (the backup run's $BUCKET), which the CLI's
    // readme-backup test replays against the test S3 server.
    const local = commands.filter((line) => !/\b[a-z][a-z0-9+.-]*:\/\//.test(line) && !line.includes("$"));
    expect(local.length).toBeGreaterThanOrEqual(2);
    for (const command of local) {
      const result = await sh(command, cwd);
      expect(result.code, `${command}\n${result.output}`).toBe(0);
    }
    expect(readFileSync(path.join(cwd, "store/snapshots/latest/docs/guide.md"), "utf8")).toBe("a guide\n");
    const listing = await sh("pnpm --silent stowage ls -r ./store", cwd);
    expect(listing.output.split("\n")).toContain("snapshots/latest/docs/guide.md");
  });
});
