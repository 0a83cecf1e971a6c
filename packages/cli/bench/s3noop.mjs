import { spawnS3Server } from "@stowage/testkit/s3";
import { execFileSync } from "node:child_process";
const server = await spawnS3Server();
const bucket = await server.createBucket("prof");
const q = new URLSearchParams({ endpoint: server.endpoint, forcePathStyle: "true", region: "us-east-1" });
const env = { ...process.env, AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test", AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" };
const target = `s3://${bucket}/data?${q}`;
const bin = new URL("../dist/bin.js", import.meta.url).pathname;
execFileSync(process.execPath, [bin, "sync", "--quiet", ...(process.env.CK ? ["--checksum"] : []), process.argv[2], target], { env, stdio: "inherit" });
for (let i = 0; i < 3; i++) {
  const t = performance.now();
  execFileSync(process.execPath, [...(i === 2 && process.argv[3] ? ["--cpu-prof", "--cpu-prof-dir=/work/prof/s3cp"] : []), bin, "sync", "--quiet", ...(process.env.CK ? ["--checksum"] : []), process.argv[2], target], { env, stdio: "inherit" });
  console.log("no-op", ((performance.now() - t) / 1000).toFixed(2), "s");
}
await server.stop();
