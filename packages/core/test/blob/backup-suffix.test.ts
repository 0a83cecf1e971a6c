import { describe, expect, it } from "vitest";
import { isStowageError, validateBackupSuffix } from "../../src/index.js";

/** Issue 20: a suffix that cannot end a file name is refused, not saved over the file itself. */
describe("validateBackupSuffix", () => {
  it.each(["..", ".", "...", " ", ". .", "a/b", "a\\b", "x\u0000"])("refuses %j with E_INVALID_OPTIONS naming it", (suffix) => {
    let error: unknown;
    try {
      validateBackupSuffix(suffix);
    } catch (caught) {
      error = caught;
    }
    expect(isStowageError(error, "E_INVALID_OPTIONS")).toBe(true);
    expect((error as Error).message).toContain(`got ${JSON.stringify(suffix)}`);
  });

  it.each(["", "-2026-11-30", ".bak", "~", "..old", " (1)"])("takes %j", (suffix) => {
    expect(validateBackupSuffix(suffix)).toBe(suffix);
  });
});
