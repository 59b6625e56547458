// The relay's knowledge of an account's quota as the faces show it (snapshot, CLI).
import type { QuotaView } from "../base/control-api.ts";
import type { AccountQuota } from "../base/quota.ts";

export function quotaView(q: AccountQuota): QuotaView {
  const f = q.figures;
  return {
    plan: f?.plan ?? null,
    autoPercentUsed: f?.autoPercentUsed ?? null,
    apiPercentUsed: f?.apiPercentUsed ?? null,
    onDemand: f?.onDemand ? { limitCents: f.onDemand.limitCents, spentCents: Math.max(0, f.onDemand.limitCents - f.onDemand.remainingCents) } : null,
    resetsAt: f?.cycleEnd ?? null,
    displayMessage: f?.displayMessage ?? null,
    tracked: f?.enabled ?? true,
    readAt: q.readAt,
    readError: q.readError,
  };
}

/** `cursor-relay accounts --json`'s "quota": the contract other tools read; ISO 8601 times. */
export interface QuotaJson {
  plan: string | null;
  autoPercentUsed: number | null;
  apiPercentUsed: number | null;
  resetsAt: string | null;
  readAt: string | null;
  onDemand: { limitCents: number; spentCents: number } | null;
  displayMessage: string | null;
  readError: string | null;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function quotaJson(q: AccountQuota): QuotaJson {
  const v = quotaView(q);
  return {
    plan: v.plan,
    autoPercentUsed: v.autoPercentUsed,
    apiPercentUsed: v.apiPercentUsed,
    resetsAt: iso(v.resetsAt),
    readAt: iso(v.readAt),
    onDemand: v.onDemand,
    displayMessage: v.displayMessage,
    readError: v.readError,
  };
}
