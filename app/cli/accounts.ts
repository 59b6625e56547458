// cursor-relay accounts [--json] | remove <id> | reset <id> | label <id> <label>
import type { CommandIo } from "./io.ts";
import { commandArgs, UsageError } from "./options.ts";
import { checkDataDir } from "./data-dir-check.ts";
import { systemClock, type Clock } from "../base/clock.ts";
import type { AccountState, TokenCounts } from "../base/control-api.ts";
import { openAccounts } from "../accounts/open-accounts.ts";
import type { AccountRegistry } from "../accounts/registry.ts";
import {
  accountStateOf,
  forgetInStateFile,
  readStateFile,
  resetStatusInStateFile,
  stateFileStatusSource,
  type AccountStatusSource,
  type StateFileContents,
} from "../accounts/status-source.ts";
import type { KeytarLike } from "../accounts/secret-store-keytar.ts";
import type { SecretStore } from "../accounts/secret-store.ts";
import { readQuotaFile, writeQuotaFile } from "../accounts/quota-file.ts";
import { createQuotaPoller } from "../accounts/quota-poller.ts";
import { quotaJson, type QuotaJson } from "../accounts/quota-view.ts";
import { createUsageApi } from "../accounts/usage-api.ts";
import { runningRelay } from "./running-relay.ts";
import type { FetchLike } from "../accounts/cursor-http.ts";
import { EMPTY_QUOTA, type AccountQuota } from "../base/quota.ts";

const usage = `usage: cursor-relay accounts [--json] [--refresh] list accounts (--refresh: read Cursor's usage figures first)
       cursor-relay accounts remove <id>           delete an account and its stored tokens
       cursor-relay accounts reset <id>            clear its cooldown / 403 disable / auth-expired mark
       cursor-relay accounts label <id> <label>    change its display label (the id stays)
options: [--data-dir DIR] [--cursor-api URL] [--secret-store keychain|file]`;

export interface AccountsDeps {
  clock?: Clock;
  keytar?: KeytarLike;
  /** Where live status comes from (the rotation when one is running); default: <dataDir>/state.json. */
  statusSource?: AccountStatusSource;
  /** For --refresh's usage calls (default fetch). */
  fetch?: FetchLike;
}

export interface AccountRow {
  id: string;
  displayLabel: string;
  label: string | null;
  sub: string | null;
  state: AccountState;
  cooldownUntil: number | null;
  cooldownRemainingMs: number;
  cooldownReason: string | null;
  /** Why Cursor refused the account (403); `accounts reset` clears it. */
  disabledReason: string | null;
  authExpiredReason: string | null;
  tokensToday: TokenCounts;
  tokensTotal: TokenCounts;
  requests: number;
  lastUsedAt: number | null;
  lastError: string | null;
  tokenExpiresAt: string;
  /** Cursor's usage figures as last read (null figures when unknown). */
  quota: QuotaJson;
}

/** One `accounts` command: what it parsed, opened and read. */
interface AccountsRun {
  dataDir: string;
  cursorApi: string;
  args: string[];
  sub: string | undefined;
  io: CommandIo;
  deps: AccountsDeps;
  clock: Clock;
  registry: AccountRegistry;
  secrets: SecretStore;
  /** state.json as read at the start (the listing's one read). */
  state: StateFileContents;
  /** state.json read again, for an edit: a relay that stopped meanwhile wrote it last. */
  readState(): StateFileContents;
}

export async function accountsCommand(argv: string[], io: CommandIo, deps: AccountsDeps = {}): Promise<number> {
  const parsed = commandArgs(argv, { json: { type: "boolean" }, refresh: { type: "boolean" } }, usage, io, { positionals: true });
  if (parsed === null) return 0;
  const { global, values, positionals } = parsed;
  const warn = (m: string) => io.err(`warning: ${m}`);
  checkDataDir(global.dataDir, io.env, warn);
  const clock = deps.clock ?? systemClock;
  const [sub, ...args] = positionals;
  // Read before the accounts open, so a damaged file is moved aside first, as `serve` does.
  const readState = () => readStateFile(global.dataDir, clock.now(), warn);
  const state = readState();
  const { registry, secrets } = await openAccounts({ ...global, warn, refreshTimers: false, clock, ...(deps.keytar ? { keytar: deps.keytar } : {}) });
  const run: AccountsRun = { dataDir: global.dataDir, cursorApi: global.cursorApi, args, sub, io, deps, clock, registry, secrets, state, readState };
  try {
    switch (sub) {
      case undefined:
      case "list":
        return await listAccounts(run, { json: values.json === true, refresh: values.refresh === true });
      case "remove":
        return await removeAccount(run);
      case "reset":
        return await resetAccount(run);
      case "label":
        return await labelAccount(run);
      default:
        throw new UsageError(`unknown accounts subcommand ${JSON.stringify(sub)}`, usage);
    }
  } finally {
    registry.close();
  }
}

function arity(run: AccountsRun, n: number, shape: string): void {
  if (run.args.length !== n) throw new UsageError(`accounts ${run.sub} takes ${shape}`, usage);
}

async function listAccounts(run: AccountsRun, flags: { json: boolean; refresh: boolean }): Promise<number> {
  const { clock, io } = run;
  // With --refresh, what was just written is what the listing shows (no second read of quota.json).
  const quotas = flags.refresh ? await refreshQuotas(run) : readQuotaFile(run.dataDir);
  const source = run.deps.statusSource ?? stateFileStatusSource(run.state, () => clock.now());
  const rows = listRows(run.registry, source, clock.now(), quotas);
  if (flags.json) io.out(JSON.stringify(rows, null, 2));
  else for (const line of formatTable(rows, clock.now())) io.out(line);
  return 0;
}

/** Reads the usage figures here, with this process's own token access; quota.json keeps the newer figures per account. */
async function refreshQuotas(run: AccountsRun): Promise<Map<string, AccountQuota>> {
  const { registry, clock } = run;
  const started = clock.now();
  const poller = createQuotaPoller({
    registry,
    api: createUsageApi({ cursorApi: run.cursorApi, clock, ...(run.deps.fetch ? { fetch: run.deps.fetch } : {}) }),
    clock,
    initial: readQuotaFile(run.dataDir),
  });
  await poller.refresh();
  poller.close();
  const read = new Map(registry.list().map((a) => [a.id, poller.quotaOf(a.id)]));
  const written = writeQuotaFile(run.dataDir, read, (id) => registry.get(id) !== null);
  for (const [id, q] of read) if (q.readError !== null && (q.readErrorAt ?? 0) >= started) run.io.err(`warning: ${id}: could not read its usage figures: ${q.readError}`);
  return written;
}

// A running relay owns the account state: it makes the change (see running-relay.ts);
// the files are edited here only when no relay runs.

async function removeAccount(run: AccountsRun): Promise<number> {
  arity(run, 1, "one account id");
  const info = run.registry.require(run.args[0]!);
  const relay = await runningRelay(run.dataDir, run.secrets);
  if (relay) await relay.removeAccount(info.id);
  else {
    await run.registry.remove(info.id);
    forgetInStateFile(run.readState(), info.id, run.clock.now());
  }
  run.io.out(`removed ${info.displayLabel} (${info.id}) and its stored tokens`);
  return 0;
}

async function resetAccount(run: AccountsRun): Promise<number> {
  arity(run, 1, "one account id");
  const info = run.registry.require(run.args[0]!);
  const relay = await runningRelay(run.dataDir, run.secrets);
  if (relay) await relay.resetCooldown(info.id);
  else {
    run.registry.clearAuthExpired(info.id);
    resetStatusInStateFile(run.readState(), info.id, run.clock.now());
  }
  run.io.out(`reset ${info.displayLabel} (${info.id}): cooldown, 403 disable and auth-expired mark cleared`);
  return 0;
}

async function labelAccount(run: AccountsRun): Promise<number> {
  arity(run, 2, "an account id and a label");
  const [id, label] = [run.args[0]!, run.args[1]!];
  const relay = await runningRelay(run.dataDir, run.secrets);
  if (relay) await relay.renameAccount(run.registry.require(id).id, label);
  const info = relay ? run.registry.require(id) : run.registry.rename(id, label);
  run.io.out(`${info.id} is now shown as ${info.displayLabel}`);
  return 0;
}

export function listRows(
  registry: AccountRegistry,
  source: AccountStatusSource,
  now: number,
  quotas: ReadonlyMap<string, AccountQuota> = new Map(),
): AccountRow[] {
  return registry.list().map((a) => {
    const s = source.status(a.id);
    const state = accountStateOf(a, s, now);
    const cooling = s.cooldownUntil !== null && s.cooldownUntil > now;
    return {
      id: a.id,
      displayLabel: a.displayLabel,
      label: a.label,
      sub: a.sub,
      state,
      cooldownUntil: cooling ? s.cooldownUntil : null,
      cooldownRemainingMs: cooling ? s.cooldownUntil! - now : 0,
      cooldownReason: cooling ? s.cooldownReason : null,
      disabledReason: s.disabledReason,
      authExpiredReason: a.authExpiredReason,
      tokensToday: s.tokensToday,
      tokensTotal: s.tokensTotal,
      requests: s.requests,
      lastUsedAt: s.lastUsedAt,
      lastError: s.lastError,
      tokenExpiresAt: new Date(a.tokenExpiresAt).toISOString(),
      quota: quotaJson(quotas.get(a.id) ?? EMPTY_QUOTA),
    };
  });
}

export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${s % 60 ? ` ${s % 60}s` : ""}`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h${m % 60 ? ` ${m % 60}m` : ""}`;
  return `${Math.floor(h / 24)}d`;
}

export function formatCount(n: number): string {
  if (n < 1000) return String(n);
  if (n < 1_000_000) return `${(n / 1000).toFixed(n < 10_000 ? 1 : 0)}k`;
  return `${(n / 1_000_000).toFixed(1)}M`;
}

export const formatPercent = (p: number | null): string => (p === null ? "-" : `${Math.round(p)}%`);

/** "in 3d (Dec 2)"-style countdown to a reset; "-" when unknown. */
export function formatReset(resetsAt: string | null, now: number): string {
  if (resetsAt === null) return "-";
  const at = Date.parse(resetsAt);
  if (at <= now) return "due";
  return `in ${formatDuration(at - now)} (${resetsAt.slice(0, 10)})`;
}

const sum = (t: TokenCounts) => t.input + t.output + t.cacheRead;

export function formatTable(rows: AccountRow[], now: number): string[] {
  if (rows.length === 0) return ["no accounts yet; add one with `cursor-relay login`"];
  const header = ["ID", "LABEL", "STATE", "COOLDOWN", "TODAY", "TOTAL", "REQS", "PLAN", "AUTO", "API", "RESETS", "TOKEN EXPIRES"];
  const body = rows.map((r) => {
    const exp = Date.parse(r.tokenExpiresAt);
    return [
      r.id,
      r.displayLabel,
      r.state.replace("_", " "),
      r.cooldownRemainingMs > 0 ? formatDuration(r.cooldownRemainingMs) : "-",
      formatCount(sum(r.tokensToday)),
      formatCount(sum(r.tokensTotal)),
      formatCount(r.requests),
      r.quota.plan ?? "-",
      formatPercent(r.quota.autoPercentUsed),
      formatPercent(r.quota.apiPercentUsed),
      formatReset(r.quota.resetsAt, now),
      exp > now ? `in ${formatDuration(exp - now)}` : `expired ${formatDuration(now - exp)} ago`,
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join("  ");
  return [line(header), ...body.map(line)];
}
