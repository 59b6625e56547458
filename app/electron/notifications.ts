// Which desktop notifications a snapshot change deserves: an account that just went
// into cooldown, and the moment the last ready account is gone (then that one message
// replaces the per-account one). Nothing on the first snapshot: starting the app is
// not news.
import type { Snapshot } from "../base/control-api.ts";
import { allExhausted, effectiveState, timeLeft } from "./account-status.ts";

export interface Notice {
  kind: "cooldown" | "exhausted";
  title: string;
  body: string;
  accountId: string | null;
}

export function notificationsFor(prev: Snapshot | null, next: Snapshot, now: number): Notice[] {
  if (!prev) return [];
  const before = new Map(prev.accounts.map((a) => [a.id, effectiveState(a, now)]));
  if (next.accounts.length > 0 && allExhausted(next, now) && !allExhausted(prev, now)) {
    const cooling = next.accounts.filter((a) => effectiveState(a, now) === "cooling" && a.cooldownUntil !== null);
    const soonest = cooling.length > 0 ? Math.min(...cooling.map((a) => a.cooldownUntil ?? Infinity)) : null;
    return [
      {
        kind: "exhausted",
        title: "All Cursor accounts are exhausted",
        body:
          soonest !== null
            ? `Requests are refused until the first account is back in ${timeLeft(soonest - now)}. Add another account to keep going.`
            : "No account can serve requests right now. Open Cursor Relay to see why.",
        accountId: null,
      },
    ];
  }
  const notices: Notice[] = [];
  for (const a of next.accounts) {
    const was = before.get(a.id);
    if (was === undefined || was === "cooling" || effectiveState(a, now) !== "cooling") continue;
    const back = a.cooldownUntil !== null ? `back in ${timeLeft(a.cooldownUntil - now)}` : "back soon";
    notices.push({
      kind: "cooldown",
      title: `${a.displayLabel} is cooling down`,
      body: `${a.cooldownReason ?? "Cursor asked to slow down"}; ${back}. Other accounts take over meanwhile.`,
      accountId: a.id,
    });
  }
  return notices;
}
