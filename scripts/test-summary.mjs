// Adds up the results every package's test run left in .test-results/ (vitest JSON, node:test TAP)
// and prints one closing line, so a CI log says at a glance how many tests ran.
import { readdirSync, readFileSync, existsSync } from "node:fs";
import { join } from "node:path";

let passed = 0;
let failed = 0;
let skipped = 0;
const missing = [];
for (const pkg of readdirSync("packages")) {
  const dir = join("packages", pkg, ".test-results");
  if (!existsSync(dir)) {
    missing.push(pkg);
    continue;
  }
  for (const file of readdirSync(dir)) {
    const text = readFileSync(join(dir, file), "utf8");
    if (file.endsWith(".json")) {
      const report = JSON.parse(text);
      passed += report.numPassedTests;
      failed += report.numFailedTests;
      skipped += report.numPendingTests + report.numTodoTests;
    } else if (file.endsWith(".tap")) {
      // Only the top-level summary lines (no indentation) count.
      for (const [, key, n] of text.matchAll(/^# (pass|fail|skipped|todo) (\d+)$/gm)) {
        if (key === "pass") passed += Number(n);
        else if (key === "fail") failed += Number(n);
        else skipped += Number(n);
      }
    }
  }
}
if (missing.length > 0) console.log(`(no test results from: ${missing.join(", ")})`);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
