// Reads each account's plan usage from Cursor: once at start, every few minutes (jittered,
// so accounts and relays do not poll in lockstep), soon after a quota failure, and on
// demand. A failed read keeps the last figures and notes the error; it never touches the
// account's serving state. A 401 refreshes the token once and retries once, as a Run does;
// a refresh that fails here is only a failed read (the Run path decides about sign-outs).
import { notifyAll } from "../base/listeners.ts";
import type { Clock, TimerHandle } from "../base/clock.ts";
import { toRelayError } from "../base/errors.ts";
import { silentLogger, type Logger } from "../base/log.ts";
import { EMPTY_QUOTA, poolUsedUp, QUOTA_POOLS, type AccountQuota, type QuotaFigures, type QuotaPool } from "../base/quota.ts";
import type { AccountRegistry } from "./registry.ts";
import type { UsageApi } from "./usage-api.ts";
import { singleFlightPerKey } from "./single-flight.ts";
import { createKeyedTimers } from "./keyed-timers.ts";

export const DEFAULT_QUOTA_POLL_MS = 5 * 60_000;
/** Cursor's own clients never poll faster than this. */
export const MIN_QUOTA_POLL_MS = 60_000;
/** ± this share of the interval, at random. */
export const QUOTA_POLL_JITTER = 0.2;
/** A quota failure asks for a read this soon (several failures in a burst share it). */
export const AFTER_FAILURE_DELAY_MS = 2_000;

export interface QuotaPollerOptions {
  registry: Pick<AccountRegistry, "list" | "getAccessToken" | "refreshNow">;
  api: UsageApi;
  clock: Clock;
  /** In [0, 1); injected so tests know the jitter. */
  random?: () => number;
  intervalMs?: number;
  /** Figures known from before (quota.json). */
  initial?: ReadonlyMap<string, AccountQuota>;
  /** Called after every change (e.g. write quota.json). */
  persist?: (quotas: ReadonlyMap<string, AccountQuota>) => void;
  logger?: Logger;
}

export interface QuotaPoller {
  /** Reads every account now, then every interval. */
  start(): void;
  /** Reads one account (or all) now; resolves when done. Never rejects. */
  refresh(accountId?: string): Promise<void>;
  /** A Run failed on quota: read this account soon. */
  afterQuotaFailure(accountId: string): void;
  quotaOf(accountId: string): AccountQuota;
  onChange(listener: (accountId: string) => void): () => void;
  /** The next scheduled round (ms), for tests and views. */
  nextPollAt(): number | null;
  close(): void;
}


/** Keeps the first time each pool was seen used up; drops it once a reading shows room. */
function usedUpSince(was: AccountQuota, figures: QuotaFigures, now: number): Partial<Record<QuotaPool, number>> {
  const out: Partial<Record<QuotaPool, number>> = {};
  for (const pool of QUOTA_POOLS) if (poolUsedUp(figures, pool, now)) out[pool] = was.usedUpSince?.[pool] ?? now;
  return out;
}

const isAuthError = (kind: string, status: number) => kind === "upstream_auth" || status === 401;

/** One usage read; a 401 refreshes the token once and retries once. */
async function readWithToken(registry: QuotaPollerOptions["registry"], api: UsageApi, id: string): Promise<QuotaFigures> {
  const token = await registry.getAccessToken(id);
  try {
    return await api.read(token);
  } catch (e) {
    const err = toRelayError(e);
    if (!isAuthError(err.kind, err.status)) throw err;
    await registry.refreshNow(id);
    return api.read(await registry.getAccessToken(id));
  }
}

/** One timer per account asking for a read soon after a quota failure (a burst shares it). */
function createSoonReads(clock: Clock, read: (id: string) => void) {
  const soon = createKeyedTimers(clock);
  return {
    ask(id: string) {
      if (!soon.has(id)) soon.set(id, AFTER_FAILURE_DELAY_MS, () => read(id));
    },
    close: soon.close,
  };
}

/** The next round's delay: the interval ± QUOTA_POLL_JITTER of it, from `random` in [0, 1). */
export function jitteredDelay(intervalMs: number, random: () => number): number {
  return Math.round(intervalMs * (1 + QUOTA_POLL_JITTER * (2 * random() - 1)));
}

/** One timer for the next round of reads, re-armed with a fresh jitter after every round. */
function createRoundTimer(clock: Clock, delay: () => number, round: () => void) {
  let timer: TimerHandle | null = null;
  let nextAt: number | null = null;
  let closed = false;
  return {
    schedule() {
      timer?.cancel();
      if (closed) return;
      const ms = delay();
      nextAt = clock.now() + ms;
      timer = clock.setTimeout(round, ms);
    },
    nextAt: () => nextAt,
    close() {
      closed = true;
      timer?.cancel();
    },
  };
}

/** The last figures per account; every change is persisted and announced (a failing listener or save is only logged). */
function createQuotaBook(options: Pick<QuotaPollerOptions, "initial" | "persist">, log: Logger) {
  const quotas = new Map<string, AccountQuota>(options.initial ?? []);
  const listeners = new Set<(id: string) => void>();
  return {
    quotaOf: (id: string): AccountQuota => quotas.get(id) ?? EMPTY_QUOTA,
    set(id: string, quota: AccountQuota): void {
      quotas.set(id, quota);
      try {
        options.persist?.(quotas);
      } catch (e) {
        log.warn("could not save the quota figures", { error: toRelayError(e).message });
      }
      notifyAll(listeners, id, (e) => log.error("quota change listener failed", { error: e }));
    },
    onChange(listener: (id: string) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

type QuotaBook = ReturnType<typeof createQuotaBook>;

/** One read of one account into the book; a failed read keeps the last figures and notes the error. */
async function readIntoBook(id: string, book: QuotaBook, options: QuotaPollerOptions, log: Logger, isClosed: () => boolean): Promise<void> {
  const { clock } = options;
  const was = book.quotaOf(id);
  try {
    const figures = await readWithToken(options.registry, options.api, id);
    if (isClosed()) return;
    const now = clock.now();
    book.set(id, { figures, readAt: now, readError: null, readErrorAt: null, usedUpSince: usedUpSince(was, figures, now) });
  } catch (e) {
    if (isClosed()) return;
    const message = toRelayError(e).message;
    log.info("could not read the account's usage; keeping the last figures", { account: id, error: message });
    book.set(id, { ...was, readError: message, readErrorAt: clock.now() });
  }
}

export function createQuotaPoller(options: QuotaPollerOptions): QuotaPoller {
  const { registry, clock } = options;
  const random = options.random ?? Math.random;
  const intervalMs = Math.max(MIN_QUOTA_POLL_MS, options.intervalMs ?? DEFAULT_QUOTA_POLL_MS);
  const log = options.logger ?? silentLogger;
  let closed = false;
  const book = createQuotaBook(options, log);
  // At most one read per account at a time: a second ask while one runs shares it.
  const read = singleFlightPerKey((id) => readIntoBook(id, book, options, log, () => closed));
  const soon = createSoonReads(clock, (id) => void read(id));
  const readAll = async () => {
    await Promise.all(registry.list().filter((a) => !a.authExpired).map((a) => read(a.id)));
  };
  const rounds = createRoundTimer(clock, () => jitteredDelay(intervalMs, random), () => void round());
  async function round(): Promise<void> {
    await readAll();
    rounds.schedule();
  }

  return {
    start() {
      void round();
    },
    refresh: (accountId) => (accountId !== undefined ? read(accountId) : readAll()),
    afterQuotaFailure: (id) => soon.ask(id),
    quotaOf: book.quotaOf,
    onChange: book.onChange,
    nextPollAt: rounds.nextAt,
    close() {
      closed = true;
      rounds.close();
      soon.close();
    },
  };
}
