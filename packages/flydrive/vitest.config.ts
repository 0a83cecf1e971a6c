import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Longer than the other packages' 60 s: over flydrive's S3 driver a write is three requests
    // (the file/folder conflict check, then the PUT), and the suite's 1001-file listing test took
    // 11-15 s alone and over 60 s while every package's tests ran at once on two cores.
    testTimeout: 180_000,
    hookTimeout: 60_000,
  },
});
