// Desktop notices from Cursor's usage figures: an account crossing 80% and 100% of a pool
// (each once per billing cycle), and a pool used up on every account. Remembers what it
// announced, so a figure that wobbles around a threshold is announced once.
import type { AccountView, QuotaView, Snapshot } from "../base/control-api.ts";

export interface QuotaNotice {
  kind: "quota_80" | "quota_100" | "pool_used_up";
  title: string;
  body: string;
  accountId: string | null;
}

type Pool = "auto" | "api";
const POOLS: { pool: Pool; name: string; field: "autoPercentUsed" | "apiPercentUsed"; models: string }[] = [
  { pool: "auto", name: "Auto", field: "autoPercentUsed", models: "auto, composer-*" },
  { pool: "api", name: "API", field: "apiPercentUsed", models: "Claude, GPT, Gemini" },
];

const percent = (q: QuotaView | undefined, field: "autoPercentUsed" | "apiPercentUsed") => (q && q.tracked ? q[field] : null);
const resetText = (q: QuotaView | undefined) => (q?.resetsAt ? `; resets ${new Date(q.resetsAt).toISOString().slice(0, 10)}` : "");

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
  const accountNotices = (a: AccountView, quiet: boolean): QuotaNotice[] => {
    const out: QuotaNotice[] = [];
    for (const { name, field, models } of POOLS) {
      const p = percent(a.quota, field);
      if (p === null) continue;
      const cycle = a.quota?.resetsAt ?? "unknown";
      for (const threshold of [100, 80] as const) {
        if (p < threshold) continue;
        const fresh = mark(`${a.id}:${field}:${threshold}:${cycle}`);
        if (threshold === 100) mark(`${a.id}:${field}:80:${cycle}`); // 100 % says more than 80 %
        if (!fresh || quiet) break;
        out.push({
          kind: threshold === 100 ? "quota_100" : "quota_80",
          title: threshold === 100 ? `${a.displayLabel}: ${name} usage used up` : `${a.displayLabel}: ${Math.round(p)}% of ${name} usage used`,
          body: `${name} pool (${models})${resetText(a.quota)}.${threshold === 100 ? " Other accounts serve these models meanwhile." : ""}`,
          accountId: a.id,
        });
        break;
      }
    }
    return out;
  };
  return {
    noticesFor(next) {
      const quiet = !seeded;
      seeded = true;
      const notices = next.accounts.flatMap((a) => accountNotices(a, quiet));
      for (const { pool, name, field, models } of POOLS) {
        const withFigures = next.accounts.filter((a) => percent(a.quota, field) !== null);
        const allUsedUp = withFigures.length > 0 && withFigures.length === next.accounts.length && withFigures.every((a) => percent(a.quota, field)! >= 100);
        const key = `all:${pool}`;
        if (!allUsedUp) {
          announced.delete(key);
          continue;
        }
        if (!mark(key) || quiet) continue;
        const resets = withFigures.map((a) => a.quota?.resetsAt).filter((r): r is number => typeof r === "number");
        const first = resets.length > 0 ? ` The first account resets ${new Date(Math.min(...resets)).toISOString().slice(0, 10)}.` : "";
        notices.push({ kind: "pool_used_up", title: `${name} usage used up on every account`, body: `Requests for ${models} models are refused.${first}`, accountId: null });
      }
      return notices;
    },
  };
}
