// The checker itself: markers, fences and located errors, on READMEs made for the test.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { bucketNames, extractBlocks, importedPackages, inputFiles, installedPackages } from "../src/blocks.js";
import { runBlock, typecheck, writeBlocks } from "../src/check.js";

const root = mkdtempSync(path.join(os.tmpdir(), "stowage-docs-checker-"));
const blocksDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../.blocks-checker");
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(blocksDir, { recursive: true, force: true });
});

function readme(text: string): string {
  mkdirSync(root, { recursive: true });
  writeFileSync(path.join(root, "README.md"), text);
  return "README.md";
}

const fence = "```";

describe("extractBlocks", () => {
  it("finds fenced blocks with their language, line and marker", () => {
    const blocks = extractBlocks(
      root,
      readme(
        [
          "# t",
          `${fence}sh`,
          "npm install @stowage/core",
          fence,
          "<!-- docs-check: typecheck-only: needs a server we do not have -->",
          "",
          `${fence}ts`,
          "const x = 1;",
          fence,
          "<!-- docs-check: with s3 -->",
          `${fence}ts`,
          'new S3Storage({ bucket: "b1" });',
          fence,
          `${fence}text`,
          "output",
          fence,
        ].join("\n"),
      ),
    );
    expect(blocks.map((b) => [b.line, b.kind, b.mode, b.services])).toEqual([
      [2, "shell", "run", []],
      [7, "ts", "typecheck-only", []],
      [11, "ts", "run", ["s3"]],
      [14, "other", "run", []],
    ]);
    expect(blocks[1]?.reason).toBe("needs a server we do not have");
  });

  it.each([
    ["a marker without a reason", "<!-- docs-check: skip -->"],
    ["a marker with a too-short reason", "<!-- docs-check: skip: no -->"],
    ["an unknown marker", "<!-- docs-check: maybe: whatever you like -->"],
  ])("rejects %s", (_, marker) => {
    expect(() => extractBlocks(root, readme(`${marker}\n${fence}ts\nx\n${fence}\n`))).toThrow(/README\.md:1: a docs-check marker/);
  });

  it("rejects a marker that is not followed by a code block, and an unclosed fence", () => {
    expect(() => extractBlocks(root, readme("<!-- docs-check: skip: a long enough reason -->\nprose\n"))).toThrow(/must come right before/);
    expect(() => extractBlocks(root, readme(`${fence}ts\nconst x = 1;\n`))).toThrow(/unclosed code fence/);
  });
});

describe("what a block needs", () => {
  it("reads install lines, imports, input files and bucket names", () => {
    const [install] = extractBlocks(root, readme(`${fence}sh\nnpm install @stowage/core @stowage/s3   # both\npnpm add ioredis\n${fence}\n`));
    expect(install && [...installedPackages([install])].sort()).toEqual(["@stowage/core", "@stowage/s3", "ioredis"]);
    const code = 'import { a } from "@stowage/core/x";\nimport fs from "node:fs";\nimport "./local.js";\nconst b = require("lodash/fp");\ncreateReadStream("in/db.dump"); createReadStream("/abs");\nnew S3Storage({ bucket: "one" }); new S3Store({ bucket: "two" });';
    expect([...importedPackages(code)].sort()).toEqual(["@stowage/core", "lodash"]);
    expect(inputFiles(code)).toEqual(["in/db.dump"]);
    expect(bucketNames(code)).toEqual(["one", "two"]);
  });
});

describe("typecheck and runBlock", () => {
  it("locate a type error at its README line, and report a failing run's exit code", async () => {
    const blocks = extractBlocks(
      root,
      readme(`# t\n\n${fence}ts\nimport { validateKey } from "@stowage/core";\nvalidateKey(undefinedName);\n${fence}\n\n${fence}js\nprocess.exit(3);\n${fence}\n`),
    );
    const files = writeBlocks(blocks, blocksDir);
    const errors = typecheck(files);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^README\.md:5: Cannot find name 'undefinedName'/);
    const exit = files[1];
    expect(exit).toBeDefined();
    if (exit !== undefined) expect((await runBlock(exit, root, 30_000)).code).toBe(3);
  });
});
