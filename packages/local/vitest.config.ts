import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Not a speed limit: the suite's 1,000-file tests fsync every file and folder (durable: true),
    // and an fsync can take tens of milliseconds on a disk shared with other busy processes.
    testTimeout: 180_000,
    hookTimeout: 60_000,
  },
});
