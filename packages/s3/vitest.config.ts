import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Each file starts its own in-process S3 server, whose CPU is the tests' main cost: two files
    // at a time use both cores (vitest's default on 2 cores is one worker, running files in turn).
    maxWorkers: 2,
    testTimeout: 400_000,
    hookTimeout: 60_000,
  },
});
