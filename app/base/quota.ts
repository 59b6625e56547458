// An account's plan usage as Cursor reports it, and the two pools its models draw from.
// Cursor's own models (Auto, Composer) use the Auto allowance; other vendors' models
// (Claude, GPT, Gemini, …) use the API allowance. An account can be used up in one and
// still have room in the other.

export type QuotaPool = "auto" | "api";

export const POOL_NAMES: Record<QuotaPool, string> = { auto: "Auto (Cursor's own models)", api: "API (Claude, GPT, Gemini and other models)" };

/** On-demand (pay-as-you-go) spend beyond the plan, in cents; only when a limit is set. */
export interface OnDemandSpend {
  limitCents: number;
  remainingCents: number;
}

/** One reading of GetCurrentPeriodUsage + GetPlanInfo; null = Cursor did not say. */
export interface QuotaFigures {
  plan: string | null;
  autoPercentUsed: number | null;
  apiPercentUsed: number | null;
  totalPercentUsed: number | null;
  /** Billing cycle, ms since the epoch. */
  cycleStart: number | null;
  cycleEnd: number | null;
  onDemand: OnDemandSpend | null;
  /** Cursor's own one-line status, shown as-is. */
  displayMessage: string | null;
  /** false: Cursor does not track usage for this account. */
  enabled: boolean;
}

/** What the relay knows about an account's quota: the last good figures and how the last read went. */
export interface AccountQuota {
  figures: QuotaFigures | null;
  /** When `figures` were read (ms), null before the first good read. */
  readAt: number | null;
  /** The last read failed: why (the figures above stay). */
  readError: string | null;
  readErrorAt: number | null;
  /** Per pool: when readings first showed it used up (kept while it stays so). */
  usedUpSince?: Partial<Record<QuotaPool, number>>;
}

export const EMPTY_QUOTA: AccountQuota = { figures: null, readAt: null, readError: null, readErrorAt: null };

/** `auto` and `composer-*` draw from the Auto pool; every other model from the API pool. */
export function poolOfModel(model: string): QuotaPool {
  const id = model.trim().toLowerCase();
  return id === "auto" || id === "default" || id === "composer" || id.startsWith("composer-") ? "auto" : "api";
}

export function percentUsed(figures: QuotaFigures, pool: QuotaPool): number | null {
  return pool === "auto" ? figures.autoPercentUsed : figures.apiPercentUsed;
}

const hasOnDemandRoom = (f: QuotaFigures) => f.onDemand !== null && f.onDemand.remainingCents > 0;

/**
 * The pool is used up and no on-demand spend can cover it. Unknown figures are never
 * "used up", and a billing cycle that ended at `now` means the figures are stale.
 */
export function poolUsedUp(figures: QuotaFigures | null, pool: QuotaPool, now: number): boolean {
  if (figures === null || !figures.enabled) return false;
  if (figures.cycleEnd !== null && figures.cycleEnd <= now) return false;
  const used = percentUsed(figures, pool);
  return used !== null && used >= 100 && !hasOnDemandRoom(figures);
}

/** Percent left in the pool (100 when unknown, so unread accounts are not starved). */
export function headroom(figures: QuotaFigures | null, pool: QuotaPool, now: number): number {
  if (figures === null || !figures.enabled) return 100;
  if (figures.cycleEnd !== null && figures.cycleEnd <= now) return 100;
  const used = percentUsed(figures, pool);
  return used === null ? 100 : Math.max(0, 100 - used);
}

// How the pool picks among ready accounts: most room in the model's pool, or least recently picked.
export type RoutingPolicyName = "headroom" | "round-robin";
