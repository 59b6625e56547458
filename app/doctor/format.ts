// The doctor's report as terminal lines: one per check with ✓ / ✗ / –, its timing, and
// on failure the user's next step on the line below.
import type { SelfTestCheck, SelfTestReport } from "../base/control-api.ts";

const MARK = { pass: "✓", fail: "✗", skip: "–" } as const;

export function formatCheck(c: SelfTestCheck): string[] {
  const lines = [`${MARK[c.status]} ${c.title}: ${c.status === "skip" ? "skipped, " : ""}${c.detail} (${c.durationMs} ms)`];
  if (c.status === "fail" && c.next) lines.push(`    next: ${c.next}`);
  return lines;
}

export function formatReport(report: SelfTestReport): string[] {
  const lines = report.checks.flatMap(formatCheck);
  const failed = report.checks.filter((c) => c.status === "fail").length;
  lines.push("");
  lines.push(
    failed === 0
      ? `all checks passed in ${report.finishedAt - report.startedAt} ms (self-test used ${report.selfTestTokens} tokens, not counted in usage)`
      : `${failed} check${failed === 1 ? "" : "s"} failed (self-test used ${report.selfTestTokens} tokens, not counted in usage)`,
  );
  return lines;
}
