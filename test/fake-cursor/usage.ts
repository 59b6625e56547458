// GetCurrentPeriodUsage and GetPlanInfo: Connect unary calls with JSON bodies. The scenario's
// "usage" map gives each account the answer Cursor would send; the fake adds the per-Run
// increments so meters move while a test runs, and can fail (401, any status) or be slow.
import type { UnaryAnswer } from "./models.ts";
import type { RunRecord } from "./records.ts";
import type { UsageScenario, UsageSpec } from "./scenario.ts";

export const USAGE_PATH = "/aiserver.v1.DashboardService/GetCurrentPeriodUsage";
export const PLAN_PATH = "/aiserver.v1.DashboardService/GetPlanInfo";

/** Keys of a usage entry that steer the fake; everything else is sent as Cursor's answer. */
const CONTROL_KEYS = new Set(["planName", "perRun", "fail", "delayMs"]);

export interface UsageRecord {
  sub: string | null;
  path: string;
  status: number;
  headers: Record<string, string>;
}

/** Auto pool: Cursor's own models (auto, composer-*); everything else draws from the API pool. */
export function fakePoolOfModel(modelId: string): "auto" | "api" {
  const id = modelId.toLowerCase();
  return id === "auto" || id === "default" || id.startsWith("composer") ? "auto" : "api";
}

/** Exact sub, then "@<ordinal>" (the n-th distinct sub the fake saw, by Run or usage call), then "*". */
export function selectUsage(usage: UsageScenario | undefined, sub: string, ordinal: number): UsageSpec | undefined {
  if (!usage) return undefined;
  return usage[sub] ?? usage[`@${ordinal}`] ?? usage["*"];
}

function json(status: number, value: unknown): UnaryAnswer {
  return { status, headers: { "content-type": "application/json" }, body: new TextEncoder().encode(JSON.stringify(value)) };
}

const clampPercent = (n: number) => Math.min(100, Math.round(n * 1000) / 1000);

/** The GetCurrentPeriodUsage answer with this account's Runs added to its percentages. */
function periodUsage(spec: UsageSpec, sub: string, runs: readonly RunRecord[]): Record<string, unknown> {
  const answer: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(spec)) if (!CONTROL_KEYS.has(k)) answer[k] = v;
  const perRun = spec.perRun;
  if (!perRun) return answer;
  const mine = runs.filter((r) => r.sub === sub);
  const autoRuns = mine.filter((r) => fakePoolOfModel(r.modelId) === "auto").length;
  const apiRuns = mine.length - autoRuns;
  const plan = { ...((answer.planUsage as Record<string, unknown> | undefined) ?? {}) };
  const base = (key: string) => (typeof plan[key] === "number" ? (plan[key] as number) : 0);
  plan.autoPercentUsed = clampPercent(base("autoPercentUsed") + autoRuns * (perRun.autoPercentUsed ?? 0));
  plan.apiPercentUsed = clampPercent(base("apiPercentUsed") + apiRuns * (perRun.apiPercentUsed ?? 0));
  answer.planUsage = plan;
  return answer;
}

export interface UsageRouteContext {
  usage: () => UsageScenario | undefined;
  runs: readonly RunRecord[];
  /** Ordinal (1-based) of a sub among every sub seen so far; registers it when new. */
  ordinalOf(sub: string): number;
  sleep(ms: number): Promise<void>;
}

export async function usageAnswer(
  path: string,
  auth: { ok: true; sub: string } | { ok: false; reason?: string },
  ctx: UsageRouteContext,
): Promise<UnaryAnswer> {
  if (!auth.ok) return json(401, { code: "unauthenticated", message: auth.reason ?? "invalid access token" });
  const spec = selectUsage(ctx.usage(), auth.sub, ctx.ordinalOf(auth.sub));
  if (spec?.delayMs) await ctx.sleep(spec.delayMs);
  if (spec?.fail !== undefined) {
    const status = spec.fail;
    const code = status === 401 ? "unauthenticated" : status === 403 ? "permission_denied" : status === 429 ? "resource_exhausted" : "internal";
    return json(status, { code, message: `fake Cursor: usage call failed with ${status}` });
  }
  if (path === PLAN_PATH) return json(200, spec?.planName !== undefined ? { planInfo: { planName: spec.planName } } : {});
  // Without an entry: what Cursor says for an account without usage tracking.
  return json(200, spec ? periodUsage(spec, auth.sub, ctx.runs) : { enabled: false });
}
