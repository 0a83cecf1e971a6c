/**
 * Real rclone (aws-sdk-go's signer, provider Other, path style) through the signature-checking test
 * server: what benches and interop tests run must pass verification, and a wrong secret must not.
 */
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startS3Server, type S3TestServer } from "../src/s3.js";

const run = promisify(execFile);
const NAMES = ["a b.txt", "plus+sign.txt", "per%cent.txt", "unicode-é-中.txt", "deep/er/file.txt"];

let server: S3TestServer;
let folder: string;
beforeAll(async () => {
  server = await startS3Server();
  folder = await mkdtemp(join(tmpdir(), "testkit-rclone-"));
});
afterAll(async () => {
  await server.stop();
  await rm(folder, { recursive: true, force: true });
});

function rclone(args: string[], secret = "test") {
  // rclone 1.60 cannot load AWS_CA_BUNDLE into its HTTP transport (LoadCustomCABundleError).
  const { AWS_CA_BUNDLE: _unused, ...inherited } = process.env;
  const env = {
    ...inherited,
    RCLONE_CONFIG: "/dev/null",
    RCLONE_CONFIG_T_TYPE: "s3",
    RCLONE_CONFIG_T_PROVIDER: "Other",
    RCLONE_CONFIG_T_ENDPOINT: server.endpoint,
    RCLONE_CONFIG_T_ACCESS_KEY_ID: "test",
    RCLONE_CONFIG_T_SECRET_ACCESS_KEY: secret,
    RCLONE_CONFIG_T_FORCE_PATH_STYLE: "true",
    RCLONE_CONFIG_T_REGION: "us-east-1",
  };
  return run("rclone", [...args, "--retries", "1", "--low-level-retries", "1"], { env, maxBuffer: 1 << 24 });
}

describe("rclone against the signature-checking server", () => {
  it("copies awkward names and a multipart file up and back, lists, checks and deletes", async () => {
    const source = join(folder, "up");
    for (const name of NAMES) {
      await mkdir(join(source, name, ".."), { recursive: true });
      await writeFile(join(source, name), `content of ${name}`);
    }
    await writeFile(join(source, "big.bin"), Buffer.alloc(6 * 1024 * 1024 + 5, 3));
    const remote = `t:${server.bucket}/rclone`;
    await rclone(["copy", source, remote, "--s3-upload-cutoff", "5M", "--s3-chunk-size", "5M"]);
    const listed = JSON.parse((await rclone(["lsjson", "-R", "--files-only", remote])).stdout) as Array<{ Path: string }>;
    expect(listed.map((entry) => entry.Path).sort()).toEqual([...NAMES, "big.bin"].sort());
    await rclone(["check", source, remote]);
    const back = join(folder, "back");
    await rclone(["copy", remote, back]);
    for (const name of NAMES) expect(await readFile(join(back, name), "utf8")).toBe(`content of ${name}`);
    await rclone(["delete", remote]);
    expect(JSON.parse((await rclone(["lsjson", "-R", remote])).stdout)).toEqual([]);
  });

  it("fails with the wrong secret", async () => {
    const failed = await rclone(["lsjson", `t:${server.bucket}`], "wrong").then(
      () => "",
      (error: { stderr?: string }) => error.stderr ?? "failed",
    );
    expect(failed).toMatch(/SignatureDoesNotMatch|403/);
  });
});
