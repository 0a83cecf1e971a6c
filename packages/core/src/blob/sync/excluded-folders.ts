/**
 * Counts one more folder skipped whole in a sync's or check's `excludedFolders`, which stays absent
 * until the first, so that reports of syncs that skip no folder keep their shape.
 */
export function countFolder(report: { excludedFolders?: number }): void {
  report.excludedFolders = (report.excludedFolders ?? 0) + 1;
}
