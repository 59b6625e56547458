// Cursor's plan usage calls: GetCurrentPeriodUsage and GetPlanInfo, Connect unary with a
// JSON body on the agent API host. Every field of the answers is optional: a field of the
// wrong type is treated as absent, never as an error. Timestamps are unix ms as strings;
// money is in cents.
import type { Clock } from "../base/clock.ts";
import { RelayError } from "../base/errors.ts";
import type { OnDemandSpend, QuotaFigures } from "../base/quota.ts";
import { postJsonToCursor, type FetchLike } from "./cursor-http.ts";

export const USAGE_TIMEOUT_MS = 10_000;
const USAGE_PATH = "/aiserver.v1.DashboardService/GetCurrentPeriodUsage";
const PLAN_PATH = "/aiserver.v1.DashboardService/GetPlanInfo";

export interface UsageApiOptions {
  cursorApi: string;
  clock: Clock;
  fetch?: FetchLike;
  timeoutMs?: number;
}

export interface UsageApi {
  /** Both calls; a 401/403 throws RelayError kind upstream_auth, any other failure upstream_error/unavailable. */
  read(accessToken: string, signal?: AbortSignal): Promise<QuotaFigures>;
}

type Json = Record<string, unknown>;

const objectAt = (o: Json | undefined, key: string): Json | undefined => {
  const v = o?.[key];
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Json) : undefined;
};
const numberAt = (o: Json | undefined, key: string): number | null => {
  const v = o?.[key];
  return typeof v === "number" && Number.isFinite(v) ? v : null;
};
const stringAt = (o: Json | undefined, key: string): string | null => {
  const v = o?.[key];
  return typeof v === "string" && v.trim() !== "" ? v : null;
};
/** Int64 fields arrive as decimal strings (proto JSON); a plain number is accepted too. */
const millisAt = (o: Json | undefined, key: string): number | null => {
  const v = o?.[key];
  const n = typeof v === "string" && /^\d+$/.test(v) ? Number(v) : typeof v === "number" ? v : NaN;
  return Number.isFinite(n) && n > 0 ? n : null;
};

function onDemandOf(limits: Json | undefined): OnDemandSpend | null {
  // A user's own limit first; a team's pooled limit otherwise. 0 or absent = none set.
  for (const [limitKey, remainingKey] of [["individualLimit", "individualRemaining"], ["pooledLimit", "pooledRemaining"]] as const) {
    const limit = numberAt(limits, limitKey);
    if (limit !== null && limit > 0) return { limitCents: limit, remainingCents: Math.max(0, numberAt(limits, remainingKey) ?? 0) };
  }
  return null;
}

/** The figures in a GetCurrentPeriodUsage answer (already JSON-parsed) and a plan name. */
export function figuresFrom(usage: Json, plan: string | null): QuotaFigures {
  const planUsage = objectAt(usage, "planUsage");
  return {
    plan,
    autoPercentUsed: numberAt(planUsage, "autoPercentUsed"),
    apiPercentUsed: numberAt(planUsage, "apiPercentUsed"),
    totalPercentUsed: numberAt(planUsage, "totalPercentUsed"),
    cycleStart: millisAt(usage, "billingCycleStart"),
    cycleEnd: millisAt(usage, "billingCycleEnd"),
    onDemand: onDemandOf(objectAt(usage, "spendLimitUsage")),
    displayMessage: stringAt(usage, "displayMessage"),
    enabled: usage.enabled !== false && planUsage !== undefined,
  };
}

export function createUsageApi(options: UsageApiOptions): UsageApi {
  const base = options.cursorApi.replace(/\/+$/, "");
  const timeoutMs = options.timeoutMs ?? USAGE_TIMEOUT_MS;

  const call = async (path: string, accessToken: string, signal?: AbortSignal): Promise<Json> => {
    const url = `${base}${path}`;
    const parsed = await postJsonToCursor("usage read failed", {
      fetch: options.fetch ?? fetch,
      clock: options.clock,
      url,
      headers: { authorization: `Bearer ${accessToken}`, "content-type": "application/json", "connect-protocol-version": "1" },
      timeoutMs,
      signal,
    });
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      throw new RelayError({ kind: "upstream_error", status: 502, message: "usage read failed: Cursor's answer is not a JSON object" });
    }
    return parsed as Json;
  };

  return {
    async read(accessToken, signal) {
      const [usage, planInfo] = await Promise.all([call(USAGE_PATH, accessToken, signal), call(PLAN_PATH, accessToken, signal)]);
      return figuresFrom(usage, stringAt(objectAt(planInfo, "planInfo"), "planName"));
    },
  };
}
