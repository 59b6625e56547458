// An account's plan usage as Cursor reports it, and the two pools its models draw from.
// Cursor's own models (Auto, Composer) use the Auto allowance; other vendors' models
// (Claude, GPT, Gemini, …) use the API allowance. An account can be used up in one and
// still have room in the other.
import type { QuotaView } from "./control-api.ts";

export type QuotaPool = "auto" | "api";
export const QUOTA_POOLS: readonly QuotaPool[] = ["auto", "api"];

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

/** What the used-up rule reads of one pool, whether from the figures or from a snapshot's QuotaView. */
interface PoolReading {
  tracked: boolean;
  percentUsed: number | null;
  onDemandRoom: boolean;
  cycleEnd: number | null;
}

/**
 * The one used-up rule: the pool is at 100 % and no on-demand spend can cover it. Unknown
 * figures are never "used up", and a billing cycle that ended at `now` means the figures are stale.
 */
function readingUsedUp(r: PoolReading, now: number): boolean {
  if (!r.tracked) return false;
  if (r.cycleEnd !== null && r.cycleEnd <= now) return false;
  return r.percentUsed !== null && r.percentUsed >= 100 && !r.onDemandRoom;
}

/** Routing's verdict: requests for this pool skip the account. */
export function poolUsedUp(figures: QuotaFigures | null, pool: QuotaPool, now: number): boolean {
  if (figures === null) return false;
  return readingUsedUp({ tracked: figures.enabled, percentUsed: percentUsed(figures, pool), onDemandRoom: hasOnDemandRoom(figures), cycleEnd: figures.cycleEnd }, now);
}

/** The same verdict over the snapshot's view of the figures (what the tray and its notices see). */
export function viewPoolUsedUp(view: QuotaView | undefined, pool: QuotaPool, now: number): boolean {
  if (view === undefined) return false;
  const onDemandRoom = view.onDemand !== null && view.onDemand.spentCents < view.onDemand.limitCents;
  const percent = pool === "auto" ? view.autoPercentUsed : view.apiPercentUsed;
  return readingUsedUp({ tracked: view.tracked, percentUsed: percent, onDemandRoom, cycleEnd: view.resetsAt }, now);
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
