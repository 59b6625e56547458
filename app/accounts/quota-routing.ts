// What the figures say about routing one request: which pool its model draws from, which
// accounts have that pool used up (skipped without opening a Run), how much headroom each
// has (the default policy prefers the most), and the answer when the pool is used up everywhere.
import type { Clock } from "../base/clock.ts";
import type { RelayError } from "../base/errors.ts";
import { headroom, poolOfModel, poolUsedUp, type QuotaPool } from "../base/quota.ts";
import type { RoutingPolicyName } from "../base/quota.ts";
import { poolExhaustedError } from "./pool-exhausted.ts";
import type { QuotaPoller } from "./quota-poller.ts";

/** The rotation's view of one request's pool. */
export interface QuotaGate {
  pool: QuotaPool;
  policy: RoutingPolicyName;
  usedUp(accountId: string): boolean;
  headroom(accountId: string): number;
  /** Every id in `usedUp` has the pool used up; `roomElsewhere`: ids that could still serve the other pool. */
  exhausted(usedUp: readonly string[], roomElsewhere: readonly string[]): RelayError;
}

export interface QuotaRouting {
  gateFor(model: string): QuotaGate;
}

export function createQuotaRouting(options: { quota: Pick<QuotaPoller, "quotaOf">; clock: Clock; policy: () => RoutingPolicyName }): QuotaRouting {
  const { quota, clock } = options;
  const figures = (id: string) => quota.quotaOf(id).figures;
  return {
    gateFor(model) {
      const pool = poolOfModel(model);
      const other: QuotaPool = pool === "api" ? "auto" : "api";
      return {
        pool,
        policy: options.policy(),
        usedUp: (id) => poolUsedUp(figures(id), pool, clock.now()),
        headroom: (id) => headroom(figures(id), pool, clock.now()),
        exhausted(usedUp, roomElsewhere) {
          const now = clock.now();
          const accounts = usedUp.map((id) => {
            const q = quota.quotaOf(id);
            return { id, since: q.usedUpSince?.[pool] ?? null, resetsAt: q.figures?.cycleEnd ?? null, displayMessage: q.figures?.displayMessage ?? null };
          });
          const otherHasRoom = roomElsewhere.some((id) => !poolUsedUp(figures(id), other, now));
          return poolExhaustedError(pool, accounts, otherHasRoom, now);
        },
      };
    },
  };
}
