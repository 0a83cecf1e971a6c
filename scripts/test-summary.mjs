// Adds up the results every package's test run left in .test-results/ (vitest JSON, node:test TAP)
// and prints one closing line, so a CI log says at a glance how many tests ran.
// scripts/test-lines.mjs calls `collectTotals()` after each Node line's run.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The totals of the results in packages/<p>/.test-results/, and the packages that left none. */
export function collectTotals(root = ".") {
  const totals = { passed: 0, failed: 0, skipped: 0, missing: [] };
  for (const pkg of readdirSync(join(root, "packages"))) {
    const dir = join(root, "packages", pkg, ".test-results");
    if (!existsSync(dir)) {
      totals.missing.push(pkg);
      continue;
    }
    for (const file of readdirSync(dir)) {
      const text = readFileSync(join(dir, file), "utf8");
      if (file.endsWith(".json")) {
        const report = JSON.parse(text);
        totals.passed += report.numPassedTests;
        totals.failed += report.numFailedTests;
        totals.skipped += report.numPendingTests + report.numTodoTests;
      } else if (file.endsWith(".tap")) {
        // Only the top-level summary lines (no indentation) count.
        for (const [, key, n] of text.matchAll(/^# (pass|fail|skipped|todo) (\d+)$/gm)) {
          if (key === "pass") totals.passed += Number(n);
          else if (key === "fail") totals.failed += Number(n);
          else totals.skipped += Number(n);
        }
      }
    }
  }
  return totals;
}

/** `12 passed, 0 failed, 1 skipped`. */
export function formatTotals({ passed, failed, skipped }) {
  return `${passed} passed, ${failed} failed, ${skipped} skipped`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const totals = collectTotals();
  if (totals.missing.length > 0) console.log(`(no test results from: ${totals.missing.join(", ")})`);
  console.log(formatTotals(totals));
  process.exit(totals.failed > 0 || totals.passed === 0 ? 1 : 0);
}
