// Plan-usage figures for the quota tests: a tracked Pro plan with nothing else known
// (no percentages, no cycle, no on-demand, no message); a test sets what it checks.
import type { QuotaFigures } from "../../app/base/quota.ts";

export function quotaFigures(over: Partial<QuotaFigures> = {}): QuotaFigures {
  return {
    plan: "Pro",
    autoPercentUsed: null,
    apiPercentUsed: null,
    totalPercentUsed: null,
    cycleStart: null,
    cycleEnd: null,
    onDemand: null,
    displayMessage: null,
    enabled: true,
    ...over,
  };
}
