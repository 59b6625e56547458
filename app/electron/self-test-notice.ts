// The notification the tray's "Run self-test" ends with: a pass with the check count and
// the tokens it used, or the first failed check with what to do next.
import type { SelfTestReport } from "../base/control-api.ts";

export function selfTestNotice(report: SelfTestReport): { title: string; body: string } {
  const failed = report.checks.filter((c) => c.status === "fail");
  const first = failed[0];
  if (!first) return { title: "Self-test passed", body: `${report.checks.length} checks passed; the test used ${report.selfTestTokens} tokens (not counted in usage).` };
  return {
    title: `Self-test: ${failed.length} check${failed.length === 1 ? "" : "s"} failed`,
    body: `${first.title}: ${first.detail}${first.next ? `\nNext: ${first.next}` : ""}`,
  };
}
