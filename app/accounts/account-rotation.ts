// The account rotation: which account serves the next turn, and what each account's recent
// history says about it. Round-robin (least recently picked first) over ready
// accounts; failures cool an account as the cooldown policy says (cooldown-policy.ts).
// 401 is the registry's business (refresh, else auth expired): here it is only counted.
//
// State is derived from the clock (a cooldown in the past is over even if no timer
// fired); a timer per cooldown only announces the end so the UI updates. Everything
// (cooldowns, backoff levels, usage, errors) is persisted to `<dataDir>/state.json`,
// atomically and debounced. While a relay runs its rotation is the only writer of that
// file: `cursor-relay accounts reset/remove` reach it through the control API instead.
//
// Parts: the records with their writer and timers (rotation-records.ts), the picker
// (account-picker.ts), the answers to failures, successes and resets (cooldown-actions.ts,
// following cooldown-policy.ts) and the status views (account-status-view.ts); this file
// wires the parts.
import { notifyAll } from "../base/listeners.ts";
import { silentLogger } from "../base/log.ts";
import { DEFAULT_BACKOFF_POLICY, type BackoffPolicy } from "./backoff-policy.ts";
import { createCooldownActions } from "./cooldown-actions.ts";
import { createRecordBook } from "./rotation-records.ts";
import { createAccountPicker } from "./account-picker.ts";
import type { AccountRotation, RotationAccount, RotationChange, RotationChangeType, RotationOptions } from "./rotation-api.ts";
import { addUsage } from "./usage-meter.ts";
import { isCooling, perMinute, stateOf, statusOf, viewOf } from "./account-status-view.ts";

export type {
  AccountRotation,
  RotationAccount,
  RotationAccountSource,
  RotationAccountView,
  RotationChange,
  RotationChangeType,
  RotationOptions,
  FailureOutcome,
  PickOptions,
} from "./rotation-api.ts";

export function createAccountRotation(options: RotationOptions): AccountRotation {
  const { clock, accounts } = options;
  const log = options.logger ?? silentLogger;
  const policy: BackoffPolicy = { ...DEFAULT_BACKOFF_POLICY, ...options.backoff };
  const listeners = new Set<(c: RotationChange) => void>();
  const listAccounts = (): RotationAccount[] => accounts.list();
  const metaOf = (id: string): RotationAccount | undefined => listAccounts().find((a) => a.id === id);
  const emit = (type: RotationChangeType, accountId: string) => {
    notifyAll(listeners, { type, accountId }, (e) => log.error("rotation change listener failed", { error: e }));
  };
  const book = createRecordBook({ options, clock, log, listAccounts, emit, onDrop: (id) => picker.forget(id) });
  const { records, record, writer, timers, armTimer, forget } = book;
  const picker = createAccountPicker({
    isCooling: (id, now) => isCooling(records.get(id), now),
    disabledReason: (id) => records.get(id)?.disabledReason ?? null,
    statusOf: (id, a, now) => statusOf(records.get(id), a, now),
  });

  const actions = createCooldownActions({ records, record, clock, log, policy, writer, timers, emit });

  const status = (id: string) => statusOf(records.get(id), metaOf(id), clock.now());

  const rotation: AccountRotation = {
    pick: (opts = {}) => picker.pick(listAccounts(), opts, clock.now()),
    whyNoneReady: (opts = {}) => picker.whyNoneReady(listAccounts(), opts, clock.now()),
    stateOf: (id) => stateOf(records.get(id), metaOf(id), clock.now()),
    isReady(id) {
      const meta = metaOf(id);
      return meta !== undefined && stateOf(records.get(id), meta, clock.now()) === "ready";
    },
    ...actions,
    ...createUsageRecorder(book, clock, emit),
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

  const unsubscribe = followAccounts(accounts, book, emit);
  for (const id of records.keys()) armTimer(id);
  return rotation;
}

type RecordBook = ReturnType<typeof createRecordBook>;
type Emit = (type: RotationChangeType, accountId: string) => void;

/** Requests and tokens per account: counted on the record, written debounced, announced as "usage". */
function createUsageRecorder(book: RecordBook, clock: RotationOptions["clock"], emit: Emit): Pick<AccountRotation, "recordRequest" | "recordUsage"> {
  const noted = (id: string) => {
    book.writer.schedule();
    emit("usage", id);
  };
  return {
    recordRequest(id) {
      const r = book.record(id);
      r.requests += 1;
      r.lastUsedAt = clock.now();
      noted(id);
    },
    recordUsage(id, tokens) {
      const r = book.record(id);
      const now = clock.now();
      if (!addUsage(r.usage, tokens, now)) return;
      r.lastUsedAt = now;
      noted(id);
    },
  };
}

/** Removals and re-logins in the registry: a removed account is forgotten, a re-login keeps its history. */
function followAccounts(accounts: RotationOptions["accounts"], book: RecordBook, emit: Emit): (() => void) | undefined {
  return accounts.onChange?.((change) => {
    if (change.type === "removed") book.forget(change.accountId);
    else if ((change.type === "added" || change.type === "updated") && change.replaced.length > 0) {
      for (const from of change.replaced) book.moveRecord(from, change.accountId);
    }
    emit("account", change.accountId);
  });
}
