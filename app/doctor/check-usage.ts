// Per-account check: Cursor's plan usage figures, read live (GetCurrentPeriodUsage and
// GetPlanInfo). The read costs no tokens and is only shown: it never replaces the figures
// the relay keeps for routing (quota.json), so a doctor run leaves them as they were.
// A pool used up is Cursor's answer, not a fault: the relay routes around it and serves
// again at the reset, so the line passes and says so; only a failed read is a ✗.
import type { UsageApi } from "../accounts/usage-api.ts";
import type { Clock } from "../base/clock.ts";
import { toRelayError } from "../base/errors.ts";
import { poolUsedUp, type QuotaFigures, type QuotaPool } from "../base/quota.ts";
import { BUG_REPORT, fail, pass, RELOGIN, type CheckOutcome } from "./check.ts";

const RETRY =
  `Cursor's usage service or the network failed; serving does not depend on it (the relay keeps its last figures) — try again in a few minutes, and ${BUG_REPORT} if it persists`;

const POOL_LABEL: Record<QuotaPool, string> = { auto: "Auto", api: "API" };
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const used = (pool: string, n: number | null) => (n === null ? `${pool} use unknown` : `${pool} ${Math.round(n * 10) / 10}% used`);

/** One line: plan, Auto %/API %, the reset, pools used up, Cursor's message, when read. */
export function usageLine(f: QuotaFigures, readAt: number): string {
  const read = `read ${new Date(readAt).toISOString()}`;
  if (!f.enabled) return `Cursor does not track usage for this account${f.plan ? ` (${f.plan} plan)` : ""}; ${read}`;
  const parts = [`${f.plan ?? "unknown"} plan`, used("Auto", f.autoPercentUsed), used("API", f.apiPercentUsed)];
  if (f.onDemand) parts.push(`on-demand $${((f.onDemand.limitCents - f.onDemand.remainingCents) / 100).toFixed(2)} of $${(f.onDemand.limitCents / 100).toFixed(2)}`);
  parts.push(f.cycleEnd !== null ? `resets ${day(f.cycleEnd)}` : "reset date unknown");
  const usedUp = (["auto", "api"] as const).filter((p) => poolUsedUp(f, p, readAt));
  for (const p of usedUp) parts.push(`${POOL_LABEL[p]} pool used up${f.cycleEnd !== null ? ` until ${day(f.cycleEnd)}` : ""}`);
  if (f.displayMessage) parts.push(`Cursor says "${f.displayMessage}"`);
  parts.push(read);
  return parts.join("; ");
}

export async function checkUsage(api: UsageApi, token: string, clock: Clock): Promise<CheckOutcome> {
  try {
    const figures = await api.read(token);
    return pass(usageLine(figures, clock.now()));
  } catch (e) {
    const err = toRelayError(e);
    return fail(err.message, err.kind === "upstream_auth" ? RELOGIN : RETRY);
  }
}
