// What a UI, the CLI and the picker read about one account, from the rotation's record
// and the registry's marks. Pure: the record and the clock reading come in.
import type { AccountState } from "../base/control-api.ts";
import type { RotationAccount, RotationAccountView } from "./rotation-api.ts";
import type { AccountRecord } from "./rotation-state.ts";
import type { AccountStatus } from "./status-source.ts";
import { tokensPerMinute, usageToday } from "./usage-meter.ts";

/** The state a UI shows, from the registry's auth-expired mark and the status (a 403 reason is "disabled" until reset). */
export function accountStateOf(meta: { authExpired: boolean }, status: AccountStatus, now: number): AccountState {
  if (status.disabledReason !== null) return "disabled";
  if (meta.authExpired || status.authExpired) return "auth_expired";
  if (status.cooldownUntil !== null && status.cooldownUntil > now) return "cooling";
  return "ready";
}

export const isCooling = (r: AccountRecord | undefined, now: number): boolean => r !== undefined && r.cooldownUntil !== null && r.cooldownUntil > now;

export function statusOf(r: AccountRecord | undefined, meta: RotationAccount | undefined, now: number): AccountStatus {
  const cooling = isCooling(r, now);
  return {
    cooldownUntil: cooling ? r!.cooldownUntil : null,
    cooldownReason: cooling ? r!.cooldownReason : null,
    cooldownStatus: cooling ? r!.cooldownStatus : null,
    disabledReason: r?.disabledReason ?? null,
    authExpired: meta?.authExpired ?? false,
    tokensToday: r ? usageToday(r.usage, now) : { input: 0, output: 0, cacheRead: 0 },
    tokensTotal: r ? { ...r.usage.total } : { input: 0, output: 0, cacheRead: 0 },
    requests: r?.requests ?? 0,
    lastUsedAt: r?.lastUsedAt ?? null,
    lastError: r?.lastError ?? null,
  };
}

export const stateOf = (r: AccountRecord | undefined, meta: RotationAccount | undefined, now: number): AccountState =>
  accountStateOf({ authExpired: meta?.authExpired ?? false }, statusOf(r, meta, now), now);

export const perMinute = (r: AccountRecord | undefined, now: number): number[] => (r ? tokensPerMinute(r.usage, now) : new Array<number>(60).fill(0));

export function viewOf(id: string, r: AccountRecord | undefined, meta: RotationAccount | undefined, now: number): RotationAccountView {
  const s = statusOf(r, meta, now);
  return {
    id,
    state: accountStateOf({ authExpired: meta?.authExpired ?? false }, s, now),
    cooldownUntil: s.cooldownUntil,
    cooldownReason: s.cooldownReason,
    cooldownStatus: s.cooldownStatus,
    disabledReason: s.disabledReason,
    tokensToday: s.tokensToday,
    tokensTotal: s.tokensTotal,
    tokensPerMinute: perMinute(r, now),
    requests: s.requests,
    errorsByStatus: { ...r?.errorsByStatus },
    lastUsedAt: s.lastUsedAt,
    lastError: s.lastError,
    tokenExpiresAt: meta?.tokenExpiresAt ?? null,
  };
}
