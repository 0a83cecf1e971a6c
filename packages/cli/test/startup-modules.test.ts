import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { temporaryFolder } from "./helpers/backends.js";
import { stowage } from "./helpers/run-cli.js";

const REPORTER = fileURLToPath(new URL("./fixtures/report-loaded-packages.cjs", import.meta.url));

/** The packages a run loaded, as the preloaded reporter saw them. */
function loadedPackages(stderr: string): string[] {
  return stderr.split("\n").flatMap((line) => (line.startsWith("loaded: ") ? [line.slice("loaded: ".length)] : []));
}

// Every command pays for what it loads before it starts; a 10,000-file no-op sync takes about
// 0.3 s, of which about 0.06 s is loading the CLI. These packages load only when they are used.
describe("what a command loads", () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ path: dir, cleanup } = await temporaryFolder());
    await mkdir(join(dir, "src"));
    await writeFile(join(dir, "src", "a.txt"), "a");
  });
  afterEach(() => cleanup());

  it("a quiet sync loads neither the progress bar nor the MIME table", async () => {
    const env = { NODE_OPTIONS: `--require ${REPORTER}` };
    const result = await stowage(["sync", "--quiet", join(dir, "src"), join(dir, "mirror")], { env });
    expect(result.code).toBe(0);
    const loaded = loadedPackages(result.stderr);
    // The reporter does see the packages every command needs.
    expect(loaded).toContain("commander");
    expect(loaded).not.toContain("cli-progress");
    expect(loaded).not.toContain("mime-types");
  });

  it("a put whose stderr is no terminal loads no progress bar", async () => {
    const env = { NODE_OPTIONS: `--require ${REPORTER}` };
    const result = await stowage(["put", join(dir, "src", "a.txt"), `${join(dir, "store")}::a.txt`], { env });
    expect(result.code).toBe(0);
    const loaded = loadedPackages(result.stderr);
    expect(loaded).toContain("commander");
    expect(loaded).not.toContain("cli-progress");
  });
});
