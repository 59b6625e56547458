// The session manager as the session tests drive it: an account pool that always leases one
// ready account (any part overridable), and a manager over it with a fresh checkpoint store
// on the test's manual clock and a silent log.
import type { AccountLease, AccountPool } from "../../app/base/account-pool.ts";
import { silentLogger } from "../../app/base/log.ts";
import type { CursorClient } from "../../app/cursor/types.ts";
import { createCheckpointStore, type CheckpointStore } from "../../app/sessions/checkpoint-store.ts";
import { createSessionManager, type SessionManager, type SessionManagerOptions } from "../../app/sessions/session-manager.ts";
import { ManualClock } from "./manual-clock.ts";

/** A pool whose every acquire leases `lease`: nothing cools down, a failure moves on, usage is dropped. */
export function fixedAccountPool(over: Partial<AccountPool> = {}, lease: AccountLease = { accountId: "acc", accessToken: "tok" }): AccountPool {
  return {
    acquire: async () => lease,
    failed: async () => "next",
    succeeded() {},
    recordRequest() {},
    recordUsage() {},
    canContinue: () => true,
    unavailable: () => null,
    ...over,
  };
}

export interface SessionRig {
  sessions: SessionManager;
  clock: ManualClock;
  checkpoints: CheckpointStore;
}

/** A session manager over `cursor`; the pool, clock, checkpoint store and tuning default as above unless given. */
export function sessionRig(cursor: CursorClient, options: Partial<Omit<SessionManagerOptions, "cursor" | "clock">> & { clock?: ManualClock } = {}): SessionRig {
  const clock = options.clock ?? new ManualClock();
  const checkpoints = options.checkpoints ?? createCheckpointStore({ clock });
  const sessions = createSessionManager({ pool: fixedAccountPool(), logger: silentLogger, ...options, cursor, clock, checkpoints });
  return { sessions, clock, checkpoints };
}
