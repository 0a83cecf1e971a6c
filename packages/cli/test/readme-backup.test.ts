import { mkdir, mkdtemp, readFile, rm, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXIT_CODES } from "../src/exit-codes.js";
import { s3Backend } from "./helpers/backends.js";
import { stowage } from "./helpers/run-cli.js";

/**
 * The top-level README's backup run, command for command, against the test S3 server: a project
 * folder to S3 without build output, with --backup-dir, --suffix and --max-delete 100, then check,
 * and the restore with get. `$BUCKET` is the test server's store URL instead of a real bucket.
 */
describe("the README's backup run (project folder to S3)", () => {
  const s3 = s3Backend();
  let dir: string;
  let bucket: string;
  const FILTERS = ["--exclude", "node_modules/", "--exclude", "dist/"];
  const run = (args: string[]) => stowage(args, { cwd: dir, env: s3.env });
  const backup = (source: string, day: string) =>
    run(["sync", "--json", ...FILTERS, "--max-delete", "100", "--backup-dir", `${bucket}::old`, "--suffix", `-${day}`, source, `${bucket}::project`]);
  const check = () => run(["check", ...FILTERS, "./project", `${bucket}::project`]);
  const put = async (files: Record<string, string>): Promise<void> => {
    for (const [path, content] of Object.entries(files)) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), content);
    }
  };

  beforeAll(async () => {
    await s3.start();
    bucket = (await s3.create()).url;
    dir = await mkdtemp(join(tmpdir(), "stowage-readme-backup-"));
  });
  afterAll(async () => {
    await s3.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("uploads all but build output, keeps replaced and deleted files, refuses a mass delete, and check agrees", async () => {
    const data = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`project/data/${i}.csv`, `row ${i}`]));
    await put({
      ...data,
      "project/src/app.ts": "export const v = 1;",
      "project/README.md": "# project",
      "project/node_modules/dep/index.js": "dependency",
      "project/dist/app.js": "built",
      "project/packages/ui/dist/ui.js": "built too",
      "typo/one-file.txt": "a mistyped source",
    });
    const first = await backup("./project", "2026-11-30");
    expect(first.code).toBe(0);
    expect(JSON.parse(first.out)).toMatchObject({ copied: 103, deleted: 0, backedUp: 0 });
    expect((await run(["ls", "-r", `${bucket}::project`])).out).not.toMatch(/node_modules|dist/);
    expect((await check()).code).toBe(0);

    await put({ "project/src/app.ts": "export const v = 2; // changed" });
    await unlink(join(dir, "project/README.md"));
    expect((await check()).code).toBe(EXIT_CODES.differ);
    const second = await backup("./project", "2026-12-01");
    expect(second.code).toBe(0);
    expect(JSON.parse(second.out)).toMatchObject({ copied: 1, deleted: 1, backedUp: 2 });
    expect((await run(["ls", "-r", `${bucket}::old`])).out).toBe("old/README.md-2026-12-01\nold/src/app.ts-2026-12-01\n");
    expect((await check()).code).toBe(0);

    const typo = await backup("./typo", "2026-12-02");
    expect(typo.code).toBe(EXIT_CODES.maxDelete);
    expect(JSON.parse(typo.out)).toMatchObject({ copied: 1, deleted: 0, stage: "max-delete", deleteCount: 102 });

    const restored = await run(["get", `${bucket}::old/src/app.ts-2026-12-01`, "./project/src/app.ts"]);
    expect(restored.code).toBe(0);
    expect(await readFile(join(dir, "project/src/app.ts"), "utf8")).toBe("export const v = 1;");
  });
});
