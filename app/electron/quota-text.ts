// An account's Cursor usage figures in a tray line or tooltip: "Pro · Auto 40% · API 100% · resets in 3 days".
import type { AccountView } from "../base/control-api.ts";

const pct = (p: number | null) => (p === null ? "?" : `${Math.round(p)}%`);

/** "in 5 h", "in 3 days", "now". */
function resetIn(at: number, now: number): string {
  const ms = at - now;
  if (ms <= 0) return "now";
  const h = Math.round(ms / 3_600_000);
  if (h < 1) return "in under an hour";
  if (h < 48) return `in ${h} h`;
  return `in ${Math.round(h / 24)} days`;
}

/** Null when nothing is known yet (or Cursor does not track this account). */
export function quotaText(a: AccountView, now: number): string | null {
  const q = a.quota;
  if (!q || q.readAt === null || !q.tracked) return null;
  const parts = [`Auto ${pct(q.autoPercentUsed)}`, `API ${pct(q.apiPercentUsed)}`];
  if (q.plan) parts.unshift(q.plan);
  if (q.resetsAt !== null) parts.push(`resets ${resetIn(q.resetsAt, now)}`);
  return parts.join(" · ");
}
