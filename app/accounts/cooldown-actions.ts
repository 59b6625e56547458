// The rotation's answers to what happened on an account: a failure (recorded, or a
// cooldown as the cooldown policy says), a success, a reset, Cursor's figures ending a
// cooldown. Each one updates the record, persists it and announces the change.
import type { Clock } from "../base/clock.ts";
import type { RelayError } from "../base/errors.ts";
import { createRedactor, type Logger } from "../base/log.ts";
import type { BackoffPolicy } from "./backoff-policy.ts";
import { applyFailure, cleanErrorText } from "./cooldown-policy.ts";
import type { AccountRotation, RotationChangeType, FailureOutcome } from "./rotation-api.ts";
import { clearCooldown, clearHistory, resetRecord, type AccountRecord } from "./rotation-state.ts";
import type { CooldownTimers } from "./cooldown-timers.ts";
import type { StateWriter } from "./state-writer.ts";

export interface CooldownActionDeps {
  records: Map<string, AccountRecord>;
  record(id: string): AccountRecord;
  clock: Clock;
  log: Logger;
  policy: BackoffPolicy;
  writer: StateWriter;
  timers: CooldownTimers;
  emit(type: RotationChangeType, accountId: string): void;
}

export type CooldownActions = Pick<AccountRotation, "reportFailure" | "reportSuccess" | "resetCooldown" | "endCooldown">;

export function createCooldownActions(deps: CooldownActionDeps): CooldownActions {
  const { records, record, clock, log, policy, writer, timers, emit } = deps;
  const redactor = createRedactor();

  const coolDown = (id: string, r: AccountRecord, ms: number, status: number, reason: string): FailureOutcome => {
    const now = clock.now();
    const until = now + ms;
    if (r.cooldownUntil !== null && r.cooldownUntil >= until) {
      // Already cooling for longer (e.g. a 429 before this stall): keep the longer one.
      writer.schedule();
      emit("error", id);
      return { action: "cooling", until: r.cooldownUntil, cooldownMs: r.cooldownUntil - now, status: r.cooldownStatus ?? status, reason: r.cooldownReason ?? reason };
    }
    r.cooldownUntil = until;
    r.cooldownReason = reason;
    r.cooldownStatus = status;
    timers.schedule(id, until);
    writer.writeNow();
    log.warn("account cooling down", { account: id, status, cooldownMs: ms, reason });
    emit("cooling", id);
    return { action: "cooling", until, cooldownMs: ms, status, reason };
  };

  return {
    reportFailure(id: string, err: RelayError): FailureOutcome {
      const r = record(id);
      const message = cleanErrorText(redactor, err.message);
      const ms = applyFailure(r, err, message, policy, clock.now());
      if (ms !== null) return coolDown(id, r, ms, err.status, message);
      writer.schedule();
      emit("error", id);
      return { action: "recorded" };
    },
    reportSuccess(id) {
      const r = records.get(id);
      if (!r || (r.rateLimitLevel === 0 && r.transientLevel === 0 && r.forbiddenLevel === 0 && r.lastError === null)) return;
      // The account works again: an old error no longer describes it. (The success's own
      // usage record announces the change.)
      clearHistory(r);
      writer.schedule();
    },
    resetCooldown(id) {
      const r = records.get(id);
      if (!r) return;
      resetRecord(r);
      timers.cancel(id);
      writer.writeNow();
      emit("reset", id);
    },
    endCooldown(id) {
      const r = records.get(id);
      if (!r || r.cooldownUntil === null) return;
      clearCooldown(r);
      timers.cancel(id);
      writer.writeNow();
      log.info("account cooldown ended by Cursor's usage figures", { account: id });
      emit("cooldown_ended", id);
    },
  };
}
