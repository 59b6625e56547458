// Token usage of one account: totals, per-day buckets (local date, usageDayKey) and
// per-minute buckets of the last hour (for the UI's sparkline). Plain data plus pure
// functions, so the rotation owns when it changes and when it is written.
import type { TokenCounts } from "../base/control-api.ts";
import { recordOrEmpty } from "../base/json-file.ts";

/** The calendar day usage is bucketed by: the local date, `YYYY-MM-DD`. */
export function usageDayKey(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

export const MINUTE_MS = 60_000;
export const MINUTES_SHOWN = 60;
/** Day buckets older than this many days are dropped (the file stays small). */
export const DAYS_KEPT = 400;

export interface UsageRecord {
  total: TokenCounts;
  /** usageDayKey → counts. */
  days: Record<string, TokenCounts>;
  /** minute index (floor(ms / 60 s)) → input + output tokens in that minute. */
  minutes: Map<number, number>;
}

export const zeroCounts = (): TokenCounts => ({ input: 0, output: 0, cacheRead: 0 });

export function emptyUsage(): UsageRecord {
  return { total: zeroCounts(), days: {}, minutes: new Map() };
}

const amount = (v: unknown): number => (typeof v === "number" && Number.isFinite(v) && v > 0 ? Math.round(v) : 0);
const minuteOf = (ms: number) => Math.floor(ms / MINUTE_MS);

// usageDayKey of the last minute asked for: a token delta arrives with every streamed
// chunk, and local midnight always falls on a minute boundary.
let dayKeyMinute = Number.NaN;
let dayKeyOfMinute = "";
const dayKeyAt = (now: number): string => {
  const m = minuteOf(now);
  if (m !== dayKeyMinute) {
    dayKeyMinute = m;
    dayKeyOfMinute = usageDayKey(now);
  }
  return dayKeyOfMinute;
};

/** Adds a usage report; negative or non-numeric parts count as 0. False when it added nothing. */
export function addUsage(u: UsageRecord, tokens: Partial<TokenCounts>, now: number): boolean {
  const add: TokenCounts = { input: amount(tokens.input), output: amount(tokens.output), cacheRead: amount(tokens.cacheRead) };
  if (add.input + add.output + add.cacheRead === 0) return false;
  const key = dayKeyAt(now);
  const newDay = u.days[key] === undefined;
  const day = (u.days[key] ??= zeroCounts());
  for (const k of ["input", "output", "cacheRead"] as const) {
    u.total[k] += add[k];
    day[k] += add[k];
  }
  const m = minuteOf(now);
  const newMinute = !u.minutes.has(m);
  if (add.input + add.output > 0) u.minutes.set(m, (u.minutes.get(m) ?? 0) + add.input + add.output);
  // Buckets only fall out of the window when a new minute or day starts: prune then, not
  // on every one of a stream's token deltas.
  if (newDay || newMinute) pruneUsage(u, now);
  return true;
}

export function usageToday(u: UsageRecord, now: number): TokenCounts {
  const d = u.days[usageDayKey(now)];
  return d ? { ...d } : zeroCounts();
}

/** Input + output tokens per minute for the last hour, oldest first; the last entry is the current minute. */
export function tokensPerMinute(u: UsageRecord, now: number): number[] {
  const current = minuteOf(now);
  return Array.from({ length: MINUTES_SHOWN }, (_, i) => u.minutes.get(current - (MINUTES_SHOWN - 1) + i) ?? 0);
}

export function pruneUsage(u: UsageRecord, now: number): void {
  const oldest = minuteOf(now) - (MINUTES_SHOWN - 1);
  for (const m of u.minutes.keys()) if (m < oldest) u.minutes.delete(m);
  const keys = Object.keys(u.days);
  if (keys.length > DAYS_KEPT) {
    // Keys are YYYY-MM-DD, so a string sort is a date sort.
    for (const k of keys.sort().slice(0, keys.length - DAYS_KEPT)) delete u.days[k];
  }
}

/** The `tokens` object of a state.json entry: { total, days, minutes: { "<minute start ms>": n } }. */
export function usageToJson(u: UsageRecord, now: number): Record<string, unknown> {
  pruneUsage(u, now);
  const minutes: Record<string, number> = {};
  for (const [m, n] of [...u.minutes].sort((a, b) => a[0] - b[0])) minutes[String(m * MINUTE_MS)] = n;
  return { total: { ...u.total }, days: structuredClone(u.days), minutes };
}

const counts = (v: unknown): TokenCounts => {
  const o = (typeof v === "object" && v !== null ? v : {}) as Record<string, unknown>;
  return { input: amount(o.input), output: amount(o.output), cacheRead: amount(o.cacheRead) };
};

/** Reads what usageToJson wrote (leniently: a bad field is zero, not a crash). */
export function usageFromJson(v: unknown, now: number): UsageRecord {
  const o = recordOrEmpty(v);
  const u = emptyUsage();
  u.total = counts(o.total);
  for (const [k, d] of Object.entries(recordOrEmpty(o.days))) if (/^\d{4}-\d{2}-\d{2}$/.test(k)) u.days[k] = counts(d);
  for (const [k, n] of Object.entries(recordOrEmpty(o.minutes))) {
    const start = Number(k);
    const tokens = amount(n);
    if (Number.isFinite(start) && tokens > 0) u.minutes.set(minuteOf(start), tokens);
  }
  pruneUsage(u, now);
  return u;
}
