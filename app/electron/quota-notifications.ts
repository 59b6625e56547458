// Desktop notices from Cursor's usage figures: an account crossing 80% of a pool, an account
// with a pool used up (each once per billing cycle), and a pool used up on every account.
// "Used up" is routing's own verdict (viewPoolUsedUp): a pool at 100 % that on-demand spend
// still covers keeps serving, so it gets the percentage notice, never "used up".
// Remembers what it announced, so a figure that wobbles around a threshold is announced once.
import type { AccountView, QuotaView, Snapshot } from "../base/control-api.ts";
import { viewPoolUsedUp, type QuotaPool } from "../base/quota.ts";

export interface QuotaNotice {
  kind: "quota_80" | "quota_100" | "pool_used_up";
  title: string;
  body: string;
  accountId: string | null;
}

interface PoolInfo {
  pool: QuotaPool;
  name: string;
  field: "autoPercentUsed" | "apiPercentUsed";
  models: string;
}
const POOLS: PoolInfo[] = [
  { pool: "auto", name: "Auto", field: "autoPercentUsed", models: "auto, composer-*" },
  { pool: "api", name: "API", field: "apiPercentUsed", models: "Claude, GPT, Gemini" },
];

const percent = (q: QuotaView | undefined, field: PoolInfo["field"]) => (q && q.tracked ? q[field] : null);
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const resetText = (q: QuotaView | undefined) => (q?.resetsAt ? `; resets ${day(q.resetsAt)}` : "");
const dollars = (cents: number) => `$${(cents / 100).toFixed(2)}`;

/** Past 100 % but still served: say what pays for it. */
const onDemandText = (q: QuotaView | undefined, p: number) =>
  p >= 100 && q?.onDemand ? ` Requests go on as on-demand spend: ${dollars(q.onDemand.spentCents)} of ${dollars(q.onDemand.limitCents)} so far.` : "";

export interface QuotaNotifier {
  noticesFor(next: Snapshot): QuotaNotice[];
}

/** The first snapshot only sets the baseline: starting the app is not news. */
export function createQuotaNotifier(): QuotaNotifier {
  const announced = new Set<string>();
  let seeded = false;
  const mark = (key: string) => {
    if (announced.has(key)) return false;
    announced.add(key);
    return true;
  };

  const accountNotice = (a: AccountView, info: PoolInfo, now: number): QuotaNotice | null => {
    const { pool, name, field, models } = info;
    const p = percent(a.quota, field);
    if (p === null) return null;
    const cycle = a.quota?.resetsAt ?? "unknown";
    if (viewPoolUsedUp(a.quota, pool, now)) {
      const fresh = mark(`${a.id}:${field}:100:${cycle}`);
      mark(`${a.id}:${field}:80:${cycle}`); // used up says more than 80 %
      if (!fresh) return null;
      const body = `${name} pool (${models})${resetText(a.quota)}. Other accounts with room serve these models meanwhile.`;
      return { kind: "quota_100", title: `${a.displayLabel}: ${name} usage used up`, body, accountId: a.id };
    }
    if (p < 80 || !mark(`${a.id}:${field}:80:${cycle}`)) return null;
    const body = `${name} pool (${models})${resetText(a.quota)}.${onDemandText(a.quota, p)}`;
    return { kind: "quota_80", title: `${a.displayLabel}: ${Math.round(p)}% of ${name} usage used`, body, accountId: a.id };
  };

  /** Every account has the pool used up: requests for its models are refused until one resets. */
  const poolNotice = (next: Snapshot, info: PoolInfo): QuotaNotice | null => {
    const { pool, name, models } = info;
    const allUsedUp = next.accounts.length > 0 && next.accounts.every((a) => viewPoolUsedUp(a.quota, pool, next.generatedAt));
    const key = `all:${pool}`;
    if (!allUsedUp) {
      announced.delete(key);
      return null;
    }
    if (!mark(key)) return null;
    const resets = next.accounts.map((a) => a.quota?.resetsAt).filter((r): r is number => typeof r === "number");
    const first = resets.length > 0 ? ` The first account resets ${day(Math.min(...resets))}.` : "";
    return { kind: "pool_used_up", title: `${name} usage used up on every account`, body: `Requests for ${models} models are refused.${first}`, accountId: null };
  };

  return {
    noticesFor(next) {
      const quiet = !seeded;
      seeded = true;
      const perAccount = next.accounts.flatMap((a) => POOLS.map((info) => accountNotice(a, info, next.generatedAt)));
      const notices = [...perAccount, ...POOLS.map((info) => poolNotice(next, info))].filter((n): n is QuotaNotice => n !== null);
      return quiet ? [] : notices;
    },
  };
}
