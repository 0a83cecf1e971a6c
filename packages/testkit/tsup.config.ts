import { defineConfig } from "tsup";

export default defineConfig({
  entry: ["src/bench.ts", "src/redis.ts", "src/s3.ts", "src/kill.ts"],
  format: ["esm"],
  dts: true,
  clean: true,
  target: "node20",
});
