// Logging is opt-in, and so is its dependency: pino is an optional peer, loaded only by
// enableConsoleLogging, so a core-only install pulls nothing for logs it never writes.
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { MemoryStore, defineModel, disableLogging, enableConsoleLogging, isLogging, isStowageError, useLogger, type LogFields } from "../src/index.js";

const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");

class Site extends defineModel<{ name: string }>()({ type: "site", identifiers: ["name"], attributes: [] }) {}

afterEach(() => disableLogging());

describe("useLogger", () => {
  it("receives events with their fields, and is asked for the level first", async () => {
    const asked: string[] = [];
    const events: LogFields[] = [];
    useLogger({
      isLevelEnabled: (level) => (asked.push(level), level !== "debug"),
      debug: (fields) => void events.push({ ...fields, level: "debug" }),
      info: (fields) => void events.push({ ...fields, level: "info" }),
      warn: (fields) => void events.push({ ...fields, level: "warn" }),
      error: (fields) => void events.push({ ...fields, level: "error" }),
    });
    await new MemoryStore().add(new Site({ name: "ams" }));
    expect(asked).toContain("debug");
    expect(events).toEqual([]);
    expect(isLogging("warn")).toBe(true);
    useLogger(undefined);
    expect(isLogging("error")).toBe(false);
  });
});

describe("enableConsoleLogging", () => {
  it("writes pino JSON lines at the chosen verbosity", async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(...chunk.toString().split("\n").filter(Boolean));
        done();
      },
    });
    enableConsoleLogging(2, sink);
    await new MemoryStore().add(new Site({ name: "ams" }));
    const event = JSON.parse(lines.at(-1) ?? "{}") as LogFields;
    expect(event).toMatchObject({ lib: "stowage", event: "store.add", level: 20, model: "site", uid: "ams" });
  });

  // A copy of the built package beside nothing but its other dependencies: what `npm i @stowage/core` gives.
  describe.each(["cjs", "esm"])("from the %s build, installed without pino", (format) => {
    let app = "";
    afterEach(() => rmSync(app, { recursive: true, force: true }));

    it("loads without pino and says how to get console logging", () => {
      app = mkdtempSync(join(tmpdir(), "stowage-core-only-"));
      const core = join(app, "node_modules", "@stowage", "core");
      mkdirSync(core, { recursive: true });
      cpSync(join(packageRoot, "dist"), join(core, "dist"), { recursive: true });
      cpSync(join(packageRoot, "package.json"), join(core, "package.json"));
      for (const dependency of ["exponential-backoff", "mime-types"]) {
        symlinkSync(resolve(packageRoot, "node_modules", dependency), join(app, "node_modules", dependency));
      }
      const script =
        format === "cjs"
          ? `const core = require("@stowage/core"); main(core);`
          : `import("@stowage/core").then(main);`;
      const output = execFileSync(
        process.execPath,
        [
          "-e",
          `function main(core) {
            const loaded = () => Object.keys(require.cache).some((path) => path.includes("pino"));
            try { core.enableConsoleLogging(1); console.log("enabled"); }
            catch (error) { console.log(JSON.stringify({ code: core.isStowageError(error) ? error.code : "none", message: error.message, pinoLoaded: loaded() })); }
          }
          ${script}`,
        ],
        // NODE_PATH (set by pnpm's bin shims) would find the workspace's hoisted packages.
        { cwd: app, encoding: "utf8", env: { ...process.env, NODE_PATH: "" } },
      );
      const result = JSON.parse(output) as { code: string; message: string; pinoLoaded: boolean };
      expect(result.code).toBe("E_CAPABILITY");
      expect(result.message).toMatch(/npm install pino/);
      expect(result.pinoLoaded).toBe(false);
    });
  });
});
