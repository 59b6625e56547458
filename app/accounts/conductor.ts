// The conductor: which account serves the next turn, and what each account's recent
// history says about it. Round-robin (least recently picked first) over ready
// accounts; failures cool an account as the cooldown policy says (cooldown-policy.ts).
// 401 is the registry's business (refresh, else auth expired): here it is only counted.
//
// State is derived from the clock (a cooldown in the past is over even if no timer
// fired); a timer per cooldown only announces the end so the UI updates. Everything
// (cooldowns, backoff levels, usage, errors) is persisted to `<dataDir>/state.json`,
// atomically and debounced. While a relay runs its conductor is the only writer of that
// file: `cursor-relay accounts reset/remove` reach it through the control API instead.
//
// Parts: the picker (account-picker.ts), the state writer (state-writer.ts), the
// cooldown timers (cooldown-timers.ts), the cooldown policy (cooldown-policy.ts) and the
// status views (account-status-view.ts); this file keeps the records and wires the parts.
import { join } from "node:path";
import type { RelayError } from "../base/errors.ts";
import { writeJsonAtomic } from "../base/json-file.ts";
import { createRedactor, silentLogger } from "../base/log.ts";
import { STATE_FILE } from "./status-source.ts";
import { DEFAULT_BACKOFF_POLICY, type BackoffPolicy } from "./backoff-policy.ts";
import { applyFailure, cleanErrorText, clearCooldown, clearHistory } from "./cooldown-policy.ts";
import { createAccountPicker } from "./account-picker.ts";
import type { Conductor, ConductorAccount, ConductorChange, ConductorChangeType, ConductorOptions, FailureOutcome } from "./conductor-api.ts";
import { addUsage } from "./usage-meter.ts";
import { emptyRecord, loadStateFile, resetRecord, stateToJson, type AccountRecord } from "./conductor-state.ts";
import { isCooling, perMinute, stateOf, statusOf, viewOf } from "./account-status-view.ts";
import { createStateWriter } from "./state-writer.ts";
import { createCooldownTimers } from "./cooldown-timers.ts";

export type {
  Conductor,
  ConductorAccount,
  ConductorAccountSource,
  ConductorAccountView,
  ConductorChange,
  ConductorChangeType,
  ConductorOptions,
  FailureOutcome,
  PickOptions,
} from "./conductor-api.ts";

export function createConductor(options: ConductorOptions): Conductor {
  const { clock, accounts } = options;
  const log = options.logger ?? silentLogger;
  const policy: BackoffPolicy = { ...DEFAULT_BACKOFF_POLICY, ...options.backoff };
  const path = join(options.dataDir, STATE_FILE);
  const redactor = createRedactor();
  const listeners = new Set<(c: ConductorChange) => void>();
  const loaded = loadStateFile(path, clock.now(), log);
  const records = loaded.accounts;

  const listAccounts = (): ConductorAccount[] => accounts.list();
  const metaOf = (id: string): ConductorAccount | undefined => listAccounts().find((a) => a.id === id);
  const record = (id: string): AccountRecord => {
    let r = records.get(id);
    if (!r) records.set(id, (r = emptyRecord()));
    return r;
  };

  const emit = (type: ConductorChangeType, accountId: string) => {
    for (const l of [...listeners]) {
      try {
        l({ type, accountId });
      } catch (e) {
        log.error("conductor change listener failed", { error: e });
      }
    }
  };

  const writer = createStateWriter({
    path,
    clock,
    log,
    debounceMs: Math.max(0, options.persistDebounceMs ?? 1000),
    writeState: options.writeState ?? writeJsonAtomic,
    content: () => stateToJson(records, loaded.extra, clock.now()),
    beforeWrite: () => dropUnlisted(),
  });

  /** Only listed accounts are kept: a late report for a removed account leaves no ghost. */
  function dropUnlisted() {
    try {
      // An empty list is not trusted for this (an unreadable settings file must not wipe usage).
      const listed = new Set(listAccounts().map((a) => a.id));
      if (listed.size > 0) for (const id of [...records.keys()]) if (!listed.has(id)) dropRecord(id);
    } catch (e) {
      log.debug("could not list accounts before writing the state; keeping every entry", { error: e });
    }
  }

  const timers = createCooldownTimers(clock, (id, until) => {
    const r = records.get(id);
    if (!r || r.cooldownUntil !== until) return;
    clearCooldown(r);
    writer.schedule();
    log.info("account cooldown over; back in rotation", { account: id });
    emit("cooldown_ended", id);
  });
  const armTimer = (id: string) => {
    const until = records.get(id)?.cooldownUntil;
    if (until !== null && until !== undefined) timers.schedule(id, until);
  };

  const picker = createAccountPicker({
    isCooling: (id, now) => isCooling(records.get(id), now),
    disabledReason: (id) => records.get(id)?.disabledReason ?? null,
    statusOf: (id, a, now) => statusOf(records.get(id), a, now),
  });

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

  function reportFailure(id: string, err: RelayError): FailureOutcome {
    const r = record(id);
    const message = cleanErrorText(redactor, err.message);
    const ms = applyFailure(r, err, message, policy, clock.now());
    if (ms !== null) return coolDown(id, r, ms, err.status, message);
    writer.schedule();
    emit("error", id);
    return { action: "recorded" };
  }

  function resetCooldown(id: string) {
    const r = records.get(id);
    if (!r) return;
    resetRecord(r);
    timers.cancel(id);
    writer.writeNow();
    emit("reset", id);
  }

  function dropRecord(id: string): boolean {
    timers.cancel(id);
    picker.forget(id);
    return records.delete(id);
  }

  function forget(id: string) {
    if (!dropRecord(id)) return;
    writer.schedule();
    emit("forgotten", id);
  }

  /** The same Cursor user moved to another id (re-login with a label): its limits and usage follow it. */
  const moveRecord = (from: string, to: string) => {
    const r = records.get(from);
    if (!r) return;
    dropRecord(from);
    if (!records.has(to)) {
      records.set(to, r);
      armTimer(to);
    }
    writer.schedule();
    emit("forgotten", from);
  };

  const status = (id: string) => statusOf(records.get(id), metaOf(id), clock.now());
  const noted = (id: string) => {
    writer.schedule();
    emit("usage", id);
  };

  const conductor: Conductor = {
    pick: (opts = {}) => picker.pick(listAccounts(), opts, clock.now()),
    whyNoneReady: (opts = {}) => picker.whyNoneReady(listAccounts(), opts, clock.now()),
    stateOf: (id) => stateOf(records.get(id), metaOf(id), clock.now()),
    isReady(id) {
      const meta = metaOf(id);
      return meta !== undefined && stateOf(records.get(id), meta, clock.now()) === "ready";
    },
    reportFailure,
    reportSuccess(id) {
      const r = records.get(id);
      if (!r || (r.rateLimitLevel === 0 && r.transientLevel === 0 && r.forbiddenLevel === 0 && r.lastError === null)) return;
      // The account works again: an old error no longer describes it. (The success's own
      // usage record announces the change.)
      clearHistory(r);
      writer.schedule();
    },
    resetCooldown,
    endCooldown(id) {
      const r = records.get(id);
      if (!r || r.cooldownUntil === null) return;
      clearCooldown(r);
      timers.cancel(id);
      writer.writeNow();
      log.info("account cooldown ended by Cursor's usage figures", { account: id });
      emit("cooldown_ended", id);
    },
    recordRequest(id) {
      const r = record(id);
      r.requests += 1;
      r.lastUsedAt = clock.now();
      noted(id);
    },
    recordUsage(id, tokens) {
      const r = record(id);
      const now = clock.now();
      if (!addUsage(r.usage, tokens, now)) return;
      r.lastUsedAt = now;
      noted(id);
    },
    tokensPerMinute: (id) => perMinute(records.get(id), clock.now()),
    status,
    statusOf: status,
    view: (id) => viewOf(id, records.get(id), metaOf(id), clock.now()),
    views() {
      const now = clock.now();
      return listAccounts().map((a) => viewOf(a.id, records.get(a.id), a, now));
    },
    forget,
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    now: () => clock.now(),
    flush: () => writer.flush(),
    close() {
      writer.close();
      timers.close();
      unsubscribe?.();
    },
  };

  const unsubscribe = accounts.onChange?.((change) => {
    if (change.type === "removed") forget(change.accountId);
    else if ((change.type === "added" || change.type === "updated") && change.replaced.length > 0) {
      for (const from of change.replaced) moveRecord(from, change.accountId);
    }
    emit("account", change.accountId);
  });
  for (const id of records.keys()) armTimer(id);
  return conductor;
}
