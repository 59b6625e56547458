// Quota cooldowns that end when the quota does. Once Cursor's figures show a pool used up
// on an account that is cooling after a quota failure, the figures take over: the
// cooldown ends and routing skips the account for that pool only, until the billing cycle
// resets or a reading shows room. A reading that shows room after one that showed a pool
// used up ends a quota cooldown at once (a renewal, an upgrade, a reset). Without figures
// the rotation's backoff stays as it is.
import type { Clock } from "../base/clock.ts";
import { poolUsedUp, QUOTA_POOLS } from "../base/quota.ts";
import type { AccountRotation } from "./account-rotation.ts";
import type { QuotaPoller } from "./quota-poller.ts";

const QUOTA_STATUS = 429;

export interface QuotaCooldownOptions {
  quota: Pick<QuotaPoller, "quotaOf" | "onChange">;
  rotation: Pick<AccountRotation, "view" | "endCooldown">;
  clock: Clock;
  accountIds(): string[];
}

/** Starts following readings; returns the unsubscribe function. */
export function followQuotaCooldowns(options: QuotaCooldownOptions): () => void {
  const { quota, rotation, clock } = options;
  const anyUsedUp = (id: string) => QUOTA_POOLS.some((p) => poolUsedUp(quota.quotaOf(id).figures, p, clock.now()));
  const lastReadAt = new Map<string, number | null>();
  const wasUsedUp = new Map<string, boolean>();
  for (const id of options.accountIds()) {
    lastReadAt.set(id, quota.quotaOf(id).readAt);
    wasUsedUp.set(id, anyUsedUp(id));
  }
  return quota.onChange((id) => {
    const readAt = quota.quotaOf(id).readAt;
    if (readAt === null || readAt === lastReadAt.get(id)) return; // a failed read says nothing new
    lastReadAt.set(id, readAt);
    const usedUp = anyUsedUp(id);
    const was = wasUsedUp.get(id) ?? false;
    wasUsedUp.set(id, usedUp);
    const view = rotation.view(id);
    if (view.cooldownUntil === null || view.cooldownStatus !== QUOTA_STATUS) return;
    if (usedUp || was) rotation.endCooldown(id);
  });
}
