// The conductor: which account serves the next turn, and what each account's recent
// history says about it. Round-robin (least recently picked first) over ready
// accounts; 429 → cooldown (retry-after, else exponential backoff); 5xx / reset /
// stall → brief cooldown; 403 → a long cooldown (30 min, doubling) with Cursor's
// reason. 401 is the registry's business (refresh, else auth expired): here it is
// only counted.
//
// State is derived from the clock (a cooldown in the past is over even if no timer
// fired); a timer per cooldown only announces the end so the UI updates. Everything
// (cooldowns, backoff levels, usage, errors) is persisted to `<dataDir>/state.json`,
// atomically and debounced. Another process (`cursor-relay accounts reset/remove`) may
// edit that file while the relay runs: the conductor notices (a cheap stat on a timer
// and before each write) and adopts those resets and removals instead of overwriting them.
import { join } from "node:path";
import type { Clock, TimerHandle } from "../core/clock.ts";
import type { AccountState, AccountView, TokenCounts } from "../core/control-api.ts";
import { RelayError } from "../core/errors.ts";
import { readJson, writeJsonAtomic } from "../core/json-file.ts";
import { createRedactor, silentLogger, type Logger } from "../core/log.ts";
import type { AccountChange } from "./registry.ts";
import { accountStateOf, STATE_FILE, type AccountStatus, type AccountStatusSource } from "./status-source.ts";
import { backoffMs, clampRetryAfter, classifyFailure, DEFAULT_BACKOFF_POLICY, type BackoffPolicy } from "./backoff-policy.ts";
import { createAccountPicker, type PickOptions } from "./account-picker.ts";
import { addUsage, tokensPerMinute, usageToday } from "./usage-meter.ts";
import { emptyRecord, fileFingerprint, loadStateFile, stateToJson, type AccountRecord } from "./conductor-state.ts";

/** What the conductor needs to know about an account (AccountInfo from the registry fits). */
export interface ConductorAccount {
  id: string;
  disabled: boolean;
  authExpired: boolean;
  tokenExpiresAt?: number | null;
}

/** The registry, as the conductor sees it. With onChange, removals and re-logins are followed on their own. */
export interface ConductorAccountSource {
  /** Accounts in their stable order (round-robin ties follow it). */
  list(): ConductorAccount[];
  onChange?(listener: (change: AccountChange) => void): () => void;
}

export interface ConductorOptions {
  dataDir: string;
  clock: Clock;
  accounts: ConductorAccountSource;
  logger?: Logger;
  /** At most one state.json write per this many ms (default 1000). */
  persistDebounceMs?: number;
  backoff?: Partial<BackoffPolicy>;
  /** How often to look for edits of state.json by another process; 0 turns it off (default 2000). */
  externalCheckMs?: number;
  /** Writes the state file (default writeJsonAtomic). */
  writeState?: (path: string, value: unknown) => void;
}

export type ConductorChangeType =
  | "cooling" // a cooldown started (or was extended)
  | "cooldown_ended" // its time passed: back in rotation
  | "reset" // resetCooldown (here or by `accounts reset`)
  | "usage" // a request or tokens were recorded
  | "error" // an error was counted without changing the state (401, client/relay errors)
  | "forgotten" // the account's state was dropped
  | "account"; // the registry changed the account (relayed)

export interface ConductorChange {
  type: ConductorChangeType;
  accountId: string;
}

export type FailureOutcome =
  | { action: "cooling"; until: number; cooldownMs: number; status: number; reason: string }
  /** Counted only: 401 (the registry refreshes) or a failure that says nothing about the account. */
  | { action: "recorded" };

/** Every AccountView field except what the registry / session layer supply (naming, sessions). */
export type ConductorAccountView = Omit<AccountView, "displayLabel" | "label" | "sessions">;

export type { PickOptions } from "./account-picker.ts";

export interface Conductor extends AccountStatusSource {
  /**
   * The account for the next turn: `prefer` when it is ready, else the ready account
   * picked least recently. When no candidate is ready it throws the answer of
   * unavailableError (each account's reason; 429 only when every wait is about quota,
   * else 503 `no_accounts`); 503 `no_accounts` also when none is added or all are excluded.
   */
  pick(options?: PickOptions): string;
  /** The answer pick would throw now, without picking (nothing moves); null when an account is ready. */
  whyNoneReady(options?: PickOptions): RelayError | null;
  stateOf(accountId: string): AccountState;
  /** Listed by the registry and ready now. */
  isReady(accountId: string): boolean;
  reportFailure(accountId: string, err: RelayError): FailureOutcome;
  /** Resets the backoff levels (a running cooldown is left alone). */
  reportSuccess(accountId: string): void;
  /** Ends a cooldown at once, clears a 403 disabled reason and the backoff levels. */
  resetCooldown(accountId: string): void;
  /** Ends a running cooldown only (the figures took over, or show room again); backoff levels stay. */
  endCooldown(accountId: string): void;
  recordRequest(accountId: string): void;
  recordUsage(accountId: string, tokens: Partial<TokenCounts>): void;
  /** Input + output tokens per minute over the last hour, oldest first, 60 entries. */
  tokensPerMinute(accountId: string): number[];
  /** Same as status(): the conductor is the live AccountStatusSource. */
  statusOf(accountId: string): AccountStatus;
  view(accountId: string): ConductorAccountView;
  /** view() of every listed account, in the registry's order. */
  views(): ConductorAccountView[];
  /** Drops everything known about an account (after it was removed). */
  forget(accountId: string): void;
  onChange(listener: (change: ConductorChange) => void): () => void;
  /** The conductor's clock reading. */
  now(): number;
  /** Writes state.json now if anything changed. */
  flush(): void;
  /** Flushes and stops every timer and subscription. */
  close(): void;
}

const MAX_TIMER_MS = 2 ** 31 - 1;
const MAX_ERROR_TEXT = 300;

interface Written {
  cooldownUntil: number | null;
  disabledReason: string | null;
}

export function createConductor(options: ConductorOptions): Conductor {
  const { clock, accounts } = options;
  const log = options.logger ?? silentLogger;
  const policy: BackoffPolicy = { ...DEFAULT_BACKOFF_POLICY, ...options.backoff };
  const debounceMs = Math.max(0, options.persistDebounceMs ?? 1000);
  const externalCheckMs = options.externalCheckMs ?? 2000;
  const writeState = options.writeState ?? writeJsonAtomic;
  const path = join(options.dataDir, STATE_FILE);
  const redactor = createRedactor();
  const listeners = new Set<(c: ConductorChange) => void>();
  const cooldownTimers = new Map<string, TimerHandle>();
  let persistTimer: TimerHandle | null = null;
  let dirty = false;
  let writeFailing = false;
  let closed = false;
  let unsubscribe: (() => void) | undefined;
  let externalTimer: TimerHandle | null = null;

  const loaded = loadStateFile(path, clock.now(), log);
  const records = loaded.accounts;
  const extra = loaded.extra;
  // What this process last saw in the file, to tell its own writes from another process's edits.
  let knownFingerprint = fileFingerprint(path);
  let written = new Map<string, Written>();
  const rememberWritten = () => {
    written = new Map([...records].map(([id, r]) => [id, { cooldownUntil: r.cooldownUntil, disabledReason: r.disabledReason }]));
  };
  rememberWritten();

  /** Error text for the UI and the file: no token, one line, bounded. */
  const clean = (text: string): string => {
    const t = redactor.redact(text).replace(/\s+/g, " ").trim();
    return t.length > MAX_ERROR_TEXT ? `${t.slice(0, MAX_ERROR_TEXT - 1)}…` : t;
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

  const record = (id: string): AccountRecord => {
    let r = records.get(id);
    if (!r) records.set(id, (r = emptyRecord()));
    return r;
  };

  const listAccounts = (): ConductorAccount[] => accounts.list();
  const metaOf = (id: string): ConductorAccount | undefined => listAccounts().find((a) => a.id === id);

  // ---- persistence ----

  const write = () => {
    adoptExternalEdits();
    const now = clock.now();
    try {
      // Only listed accounts are kept: a late report for a removed account leaves no ghost.
      // An empty list is not trusted for this (an unreadable settings file must not wipe usage).
      const listed = new Set(listAccounts().map((a) => a.id));
      if (listed.size > 0) for (const id of [...records.keys()]) if (!listed.has(id)) dropRecord(id);
    } catch (e) {
      log.debug("could not list accounts before writing the state; keeping every entry", { error: e });
    }
    try {
      writeState(path, stateToJson(records, extra, now));
      knownFingerprint = fileFingerprint(path);
      rememberWritten();
      dirty = false;
      if (writeFailing) log.info("account state written again", { path });
      writeFailing = false;
    } catch (e) {
      if (!writeFailing) log.error("could not write the account state; will retry", { path, error: e });
      writeFailing = true;
      schedulePersist();
    }
  };

  const schedulePersist = () => {
    dirty = true;
    if (persistTimer || closed) return;
    persistTimer = clock.setTimeout(() => {
      persistTimer = null;
      if (dirty) write();
    }, debounceMs);
  };

  const flush = () => {
    persistTimer?.cancel();
    persistTimer = null;
    if (dirty) write();
  };

  // A cooldown, a disable or a reset changes what `cursor-relay accounts` must show and
  // what a restart must keep: written at once, not debounced like usage counters.
  const persistNow = () => {
    dirty = true;
    if (!closed) flush();
  };

  /** `accounts reset` / `accounts remove` from another process: adopt, do not overwrite. */
  function adoptExternalEdits() {
    const fp = fileFingerprint(path);
    if (fp === knownFingerprint) return;
    knownFingerprint = fp;
    if (fp === null) return;
    let file: unknown;
    try {
      file = readJson(path);
    } catch {
      return; // half-edited or corrupt: our next write replaces it
    }
    const entries = (file as { accounts?: unknown } | null)?.accounts;
    if (typeof entries !== "object" || entries === null) return;
    for (const [id, was] of written) {
      const r = records.get(id);
      if (!r) continue;
      const entry = (entries as Record<string, Record<string, unknown> | undefined>)[id];
      if (entry === undefined) {
        log.info("account state removed by another process; forgetting it", { account: id });
        forget(id);
        continue;
      }
      const cooldownCleared = was.cooldownUntil !== null && entry.cooldownUntil == null && r.cooldownUntil === was.cooldownUntil;
      const disabledCleared = was.disabledReason !== null && entry.disabledReason == null && r.disabledReason === was.disabledReason;
      if (cooldownCleared || disabledCleared) {
        log.info("account reset by another process", { account: id });
        resetCooldown(id);
      }
    }
    rememberWritten();
  }

  // ---- cooldowns ----

  const isCooling = (r: AccountRecord | undefined, now: number) => r !== undefined && r.cooldownUntil !== null && r.cooldownUntil > now;

  const clearCooldown = (r: AccountRecord) => {
    r.cooldownUntil = null;
    r.cooldownReason = null;
    r.cooldownStatus = null;
  };

  const cancelCooldownTimer = (id: string) => {
    cooldownTimers.get(id)?.cancel();
    cooldownTimers.delete(id);
  };

  const scheduleCooldownEnd = (id: string) => {
    cancelCooldownTimer(id);
    const until = records.get(id)?.cooldownUntil;
    if (until === null || until === undefined || closed) return;
    const timer = clock.setTimeout(() => {
      cooldownTimers.delete(id);
      const r = records.get(id);
      if (!r || r.cooldownUntil !== until) return;
      if (clock.now() < until) return scheduleCooldownEnd(id);
      clearCooldown(r);
      schedulePersist();
      log.info("account cooldown over; back in rotation", { account: id });
      emit("cooldown_ended", id);
    }, Math.min(MAX_TIMER_MS, Math.max(0, until - clock.now())));
    cooldownTimers.set(id, timer);
  };

  const coolDown = (id: string, r: AccountRecord, ms: number, status: number, reason: string): FailureOutcome => {
    const now = clock.now();
    const until = now + ms;
    if (r.cooldownUntil !== null && r.cooldownUntil >= until) {
      // Already cooling for longer (e.g. a 429 before this stall): keep the longer one.
      schedulePersist();
      emit("error", id);
      return { action: "cooling", until: r.cooldownUntil, cooldownMs: r.cooldownUntil - now, status: r.cooldownStatus ?? status, reason: r.cooldownReason ?? reason };
    }
    r.cooldownUntil = until;
    r.cooldownReason = reason;
    r.cooldownStatus = status;
    scheduleCooldownEnd(id);
    persistNow();
    log.warn("account cooling down", { account: id, status, cooldownMs: ms, reason });
    emit("cooling", id);
    return { action: "cooling", until, cooldownMs: ms, status, reason };
  };

  // ---- status ----

  const statusFrom = (id: string, meta: ConductorAccount | undefined, now: number): AccountStatus => {
    const r = records.get(id);
    const cooling = isCooling(r, now);
    return {
      cooldownUntil: cooling ? r!.cooldownUntil : null,
      cooldownReason: cooling ? r!.cooldownReason : null,
      cooldownStatus: cooling ? r!.cooldownStatus : null,
      disabledReason: r?.disabledReason ?? null,
      authExpired: meta?.authExpired ?? false,
      tokensToday: r ? usageToday(r.usage, now) : { input: 0, output: 0, cacheRead: 0 },
      tokensTotal: r ? { ...r.usage.total } : { input: 0, output: 0, cacheRead: 0 },
      requests: r?.requests ?? 0,
      lastUsedAt: r?.lastUsedAt ?? null,
      lastError: r?.lastError ?? null,
    };
  };

  const stateFrom = (meta: ConductorAccount | undefined, status: AccountStatus, now: number): AccountState =>
    accountStateOf({ disabled: meta?.disabled ?? false, authExpired: meta?.authExpired ?? false }, status, now);

  const viewFrom = (id: string, meta: ConductorAccount | undefined, now: number): ConductorAccountView => {
    const s = statusFrom(id, meta, now);
    const r = records.get(id);
    return {
      id,
      state: stateFrom(meta, s, now),
      cooldownUntil: s.cooldownUntil,
      cooldownReason: s.cooldownReason,
      cooldownStatus: s.cooldownStatus,
      disabledReason: s.disabledReason,
      tokensToday: s.tokensToday,
      tokensTotal: s.tokensTotal,
      tokensPerMinute: r ? tokensPerMinute(r.usage, now) : new Array<number>(60).fill(0),
      requests: s.requests,
      errorsByStatus: { ...r?.errorsByStatus },
      lastUsedAt: s.lastUsedAt,
      lastError: s.lastError,
      tokenExpiresAt: meta?.tokenExpiresAt ?? null,
    };
  };

  // ---- the API ----

  const picker = createAccountPicker({
    isCooling: (id, now) => isCooling(records.get(id), now),
    disabledReason: (id) => records.get(id)?.disabledReason ?? null,
    statusOf: (id, a, now) => statusFrom(id, a, now),
  });

  function reportFailure(id: string, err: RelayError): FailureOutcome {
    const r = record(id);
    const now = clock.now();
    const message = clean(err.message);
    const key = String(err.status);
    r.errorsByStatus[key] = (r.errorsByStatus[key] ?? 0) + 1;
    r.lastError = message;
    r.lastErrorAt = now;
    switch (classifyFailure(err)) {
      case "rate_limit": {
        const ms =
          err.retryAfterMs !== undefined
            ? clampRetryAfter(err.retryAfterMs, policy)
            : backoffMs(r.rateLimitLevel++, policy.rateLimitFirstMs, policy.rateLimitMaxMs);
        return coolDown(id, r, ms, err.status, message);
      }
      case "transient":
        return coolDown(id, r, backoffMs(r.transientLevel++, policy.transientFirstMs, policy.transientMaxMs), err.status, message);
      case "forbidden":
        return coolDown(id, r, backoffMs(r.forbiddenLevel++, policy.forbiddenFirstMs, policy.forbiddenMaxMs), err.status, message);
      case "auth":
      case "other":
        schedulePersist();
        emit("error", id);
        return { action: "recorded" };
    }
  }

  function resetCooldown(id: string) {
    const r = records.get(id);
    if (!r) return;
    clearCooldown(r);
    r.disabledReason = null;
    r.rateLimitLevel = 0;
    r.transientLevel = 0;
    r.forbiddenLevel = 0;
    r.lastError = null;
    r.lastErrorAt = null;
    cancelCooldownTimer(id);
    persistNow();
    emit("reset", id);
  }

  function dropRecord(id: string): boolean {
    cancelCooldownTimer(id);
    picker.forget(id);
    written.delete(id);
    return records.delete(id);
  }

  function forget(id: string) {
    if (!dropRecord(id)) return;
    schedulePersist();
    emit("forgotten", id);
  }

  /** The same Cursor user moved to another id (re-login with a label): its limits and usage follow it. */
  const moveRecord = (from: string, to: string) => {
    const r = records.get(from);
    if (!r) return;
    dropRecord(from);
    if (!records.has(to)) {
      records.set(to, r);
      scheduleCooldownEnd(to);
    }
    schedulePersist();
    emit("forgotten", from);
  };

  const status = (id: string) => statusFrom(id, metaOf(id), clock.now());

  const conductor: Conductor = {
    pick: (opts = {}) => picker.pick(listAccounts(), opts, clock.now()),
    whyNoneReady: (opts = {}) => picker.whyNoneReady(listAccounts(), opts, clock.now()),
    stateOf(id) {
      const meta = metaOf(id);
      const now = clock.now();
      return stateFrom(meta, statusFrom(id, meta, now), now);
    },
    isReady(id) {
      const meta = metaOf(id);
      const now = clock.now();
      return meta !== undefined && stateFrom(meta, statusFrom(id, meta, now), now) === "ready";
    },
    reportFailure,
    reportSuccess(id) {
      const r = records.get(id);
      if (!r || (r.rateLimitLevel === 0 && r.transientLevel === 0 && r.forbiddenLevel === 0 && r.lastError === null)) return;
      r.rateLimitLevel = 0;
      r.transientLevel = 0;
      r.forbiddenLevel = 0;
      // The account works again: an old error no longer describes it. (The success's own
      // usage record announces the change.)
      r.lastError = null;
      r.lastErrorAt = null;
      schedulePersist();
    },
    resetCooldown,
    endCooldown(id) {
      const r = records.get(id);
      if (!r || r.cooldownUntil === null) return;
      clearCooldown(r);
      cancelCooldownTimer(id);
      persistNow();
      log.info("account cooldown ended by Cursor's usage figures", { account: id });
      emit("cooldown_ended", id);
    },
    recordRequest(id) {
      const r = record(id);
      r.requests += 1;
      r.lastUsedAt = clock.now();
      schedulePersist();
      emit("usage", id);
    },
    recordUsage(id, tokens) {
      const r = record(id);
      const now = clock.now();
      if (!addUsage(r.usage, tokens, now)) return;
      r.lastUsedAt = now;
      schedulePersist();
      emit("usage", id);
    },
    tokensPerMinute(id) {
      const r = records.get(id);
      return r ? tokensPerMinute(r.usage, clock.now()) : new Array<number>(60).fill(0);
    },
    status,
    statusOf: status,
    view: (id) => viewFrom(id, metaOf(id), clock.now()),
    views() {
      const now = clock.now();
      return listAccounts().map((a) => viewFrom(a.id, a, now));
    },
    forget,
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    now: () => clock.now(),
    flush,
    close() {
      if (closed) return;
      flush();
      closed = true;
      persistTimer?.cancel();
      persistTimer = null;
      for (const t of cooldownTimers.values()) t.cancel();
      cooldownTimers.clear();
      externalTimer?.cancel();
      unsubscribe?.();
    },
  };

  unsubscribe = accounts.onChange?.((change) => {
    if (change.type === "removed") forget(change.accountId);
    else if ((change.type === "added" || change.type === "updated") && change.replaced.length > 0) {
      for (const from of change.replaced) moveRecord(from, change.accountId);
    }
    emit("account", change.accountId);
  });
  externalTimer = externalCheckMs > 0 ? clock.setInterval(adoptExternalEdits, externalCheckMs) : null;
  for (const id of records.keys()) scheduleCooldownEnd(id);
  return conductor;
}
