// How an account reads in the tray and in notifications. A cooldown whose end has
// passed counts as over even before the next snapshot says so.
import type { AccountState, AccountView, Snapshot } from "../base/control-api.ts";

export function effectiveState(a: AccountView, now: number): AccountState {
  if (a.state === "cooling" && a.cooldownUntil !== null && a.cooldownUntil <= now) return "ready";
  return a.state;
}

/** True when nothing can serve a request: no account, or none ready. */
export function allExhausted(s: Snapshot, now: number): boolean {
  return s.accounts.every((a) => effectiveState(a, now) !== "ready");
}

/** "under a minute", "12 min", "1 h 05 min". */
export function timeLeft(ms: number): string {
  if (ms < 60_000) return "under a minute";
  const m = Math.ceil(ms / 60_000);
  if (m < 60) return `${m} min`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, "0")} min`;
}

/** "ready", "cooling, 12 min left", "sign-in expired", "credentials missing — log in again", "disabled". */
export function accountStatusText(a: AccountView, now: number): string {
  const state = effectiveState(a, now);
  switch (state) {
    case "ready":
      return "ready";
    case "cooling":
      return a.cooldownUntil === null ? "cooling" : `cooling, ${timeLeft(a.cooldownUntil - now)} left`;
    case "auth_expired":
      return a.credentialsMissing ? "credentials missing — log in again" : "sign-in expired";
    case "disabled":
      return "disabled";
  }
}

/** "12.3k", "4.56M": compact token counts for a tooltip. */
export function compactTokens(n: number): string {
  if (n < 1_000) return String(n);
  if (n < 1_000_000) return `${(n / 1_000).toFixed(n < 10_000 ? 2 : 1).replace(/\.?0+$/, "")}k`;
  return `${(n / 1_000_000).toFixed(n < 10_000_000 ? 2 : 1).replace(/\.?0+$/, "")}M`;
}
