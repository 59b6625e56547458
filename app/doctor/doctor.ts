// `cursor-relay doctor`'s checks, in order: the data folder, the secret store, then per
// account the token, GetUsableModels and the plan usage figures, a live self-test Run on each account whose token
// is good (or only `accountId`), the protocol drift seen meanwhile, and the running relay.
// The CLI and the relay's "Run self-test" action both call runDoctor.
import type { AccountInfo, AccountRegistry } from "../accounts/registry.ts";
import { createUsageApi, type UsageApi } from "../accounts/usage-api.ts";
import type { SecretStore } from "../accounts/secret-store.ts";
import { systemClock, type Clock } from "../base/clock.ts";
import type { SelfTestCheck, SelfTestReport } from "../base/control-api.ts";
import { drift, type DriftEntry } from "../cursor/drift.ts";
import { FALLBACK_MODELS } from "../cursor/models.ts";
import { readRuntimeInfo } from "../base/runtime-file.ts";
import { createCursorTransport, DEFAULT_CLIENT_VERSION, type CursorTransport } from "../cursor/transport.ts";
import { BUG_REPORT, fail, pass, skip, timedCheck, type CheckOutcome } from "./check.ts";
import { checkRunningRelay } from "./check-relay.ts";
import { checkModels, checkToken } from "./checks-account.ts";
import { checkUsage } from "./check-usage.ts";
import { checkDataDir, checkSecretStore } from "./checks-local.ts";
import { createHeaderCapture, type CapturedCall } from "./header-capture.ts";
import { selfTestRun } from "./self-test-run.ts";

export interface DoctorOptions {
  dataDir: string;
  cursorApi: string;
  clock?: Clock;
  clientVersion?: string;
  /** Opens (and so probes) the secret store. */
  openSecrets(): Promise<SecretStore>;
  /** The account registry over the opened store. */
  registry(secrets: SecretStore): AccountRegistry;
  /** Only this account (the CLI's --account). */
  accountId?: string;
  /** How long the self-test Run may take to end its turn (default 90 s). */
  runTimeoutMs?: number;
  modelsTimeoutMs?: number;
  usageTimeoutMs?: number;
  /** The relay key clients use, when it does not come from the secret store (CURSOR_RELAY_API_KEY). */
  relayKey?: string;
  /** Skip the running-relay check (the relay checking itself). */
  checkRelay?: boolean;
  platform?: NodeJS.Platform;
}

export interface DoctorResult {
  report: SelfTestReport;
  /** Headers of the doctor's own Cursor calls, credentials already removed. */
  headers: CapturedCall[];
  clientVersion: string;
  /** Every token and key the checks handled, so a bundle writer can prove none leaks. */
  secretsSeen: string[];
}

function driftSince(before: Map<string, number>): DriftEntry[] {
  return drift
    .entries()
    .map((e) => ({ ...e, count: e.count - (before.get(`${e.kind} ${e.key}`) ?? 0) }))
    .filter((e) => e.count > 0);
}

/** One doctor run: the checks so far, what they handled, and the Cursor clients they share. */
interface DoctorRun {
  options: DoctorOptions;
  clock: Clock;
  transport: CursorTransport;
  usageApi: UsageApi;
  checks: SelfTestCheck[];
  secretsSeen: string[];
  /** Tokens the self-test Runs spent. */
  tokens: number;
}

async function addCheck(run: DoctorRun, id: string, title: string, check: () => Promise<CheckOutcome>, nextOnThrow = BUG_REPORT): Promise<void> {
  run.checks.push(await timedCheck(run.clock, id, title, check, nextOnThrow));
}

/** The secret store, opened (and so probed) as a check; null when it cannot be opened. */
async function openStore(run: DoctorRun): Promise<SecretStore | null> {
  const opened: { store: SecretStore | null } = { store: null };
  await addCheck(run, "secret_store", "secret store", async () => {
    const r = await checkSecretStore(run.options.openSecrets);
    opened.store = r.store;
    return r.outcome;
  });
  return opened.store;
}

/**
 * A key given explicitly is the one the user's clients use: check that one. Else the key
 * the running relay published (whatever started it), as `cursor-relay env` prints it.
 */
async function relayKeyToCheck(options: DoctorOptions, store: SecretStore | null): Promise<string | null> {
  const runningEntry = readRuntimeInfo(options.dataDir)?.keyEntry;
  const published = store && runningEntry ? await store.getRelayKey(runningEntry).catch(() => null) : null;
  return options.relayKey ?? published ?? (store ? await store.getRelayKey().catch(() => null) : null);
}

async function checkAccounts(run: DoctorRun, store: SecretStore): Promise<void> {
  const registry = run.options.registry(store);
  const accounts = run.options.accountId !== undefined ? [registry.require(run.options.accountId)] : registry.list();
  if (accounts.length === 0) {
    await addCheck(run, "accounts", "accounts", async () => fail("no account is set up", "add one with `cursor-relay login`"));
  }
  for (const account of accounts) await checkAccount(run, store, registry, account);
}

/** The token, then the model list, the usage figures and a self-test Run with it. */
async function checkAccount(run: DoctorRun, store: SecretStore, registry: AccountRegistry, account: AccountInfo): Promise<void> {
  const { options, clock, transport } = run;
  const secrets = await store.get(account.id).catch(() => null);
  if (secrets) run.secretsSeen.push(secrets.accessToken, secrets.refreshToken);
  const name = `${account.displayLabel} (${account.id})`;
  const got: { token: string | null; modelIds: string[] } = { token: null, modelIds: [] };
  await addCheck(run, `token:${account.id}`, `token of ${name}`, async () => {
    const r = await checkToken(registry, account.id, clock);
    got.token = r.token;
    return r.outcome;
  }, "log in again with `cursor-relay login`");
  const token = got.token;
  if (token) run.secretsSeen.push(token);
  await addCheck(run, `models:${account.id}`, `models of ${name}`, async () => {
    if (!token) return skip("no usable token");
    const r = await checkModels(transport, token, clock, options.modelsTimeoutMs ?? 10_000);
    got.modelIds = r.modelIds;
    return r.outcome;
  });
  await addCheck(run, `usage:${account.id}`, `usage of ${name}`, async () => (token ? checkUsage(run.usageApi, token, clock) : skip("no usable token")));
  await addCheck(run, `run:${account.id}`, `self-test Run on ${name}`, async () => {
    if (!token) return skip("no usable token");
    if (got.modelIds.length === 0) return skip("no model list");
    const modelId = got.modelIds.find((m) => FALLBACK_MODELS.some((f) => f.id === m)) ?? got.modelIds[0]!;
    const r = await selfTestRun({ transport, clock, token, modelId, timeoutMs: options.runTimeoutMs ?? 90_000 });
    run.tokens += r.tokens;
    return r.outcome;
  });
}

/** What Cursor sent during the checks that this relay does not know. */
async function checkDrift(driftBefore: Map<string, number>): Promise<CheckOutcome> {
  const seen = driftSince(driftBefore);
  const sinceStart = drift.total();
  if (seen.length === 0) return pass(`nothing unexpected during the checks${sinceStart > 0 ? ` (${sinceStart} seen since this relay started)` : ""}`);
  const list = seen.map((e) => `${e.kind} ${e.key} ×${e.count}`).join(", ");
  return fail(`Cursor sent what this relay does not know: ${list}`, `update Cursor Relay; if it is current, ${BUG_REPORT}`);
}

export async function runDoctor(options: DoctorOptions): Promise<DoctorResult> {
  const clock = options.clock ?? systemClock;
  const clientVersion = options.clientVersion ?? DEFAULT_CLIENT_VERSION;
  const startedAt = clock.now();
  const driftBefore = new Map(drift.entries().map((e) => [`${e.kind} ${e.key}`, e.count]));
  const capture = createHeaderCapture();
  const run: DoctorRun = {
    options,
    clock,
    transport: createCursorTransport({ baseUrl: options.cursorApi, clientVersion, extraInterceptors: [capture.interceptor] }),
    usageApi: createUsageApi({ cursorApi: options.cursorApi, clock, ...(options.usageTimeoutMs ? { timeoutMs: options.usageTimeoutMs } : {}) }),
    checks: [],
    secretsSeen: [],
    tokens: 0,
  };
  try {
    await addCheck(run, "data_dir", "data folder", async () => checkDataDir(options.dataDir, options.platform));
    const store = await openStore(run);
    const relayKey = await relayKeyToCheck(options, store);
    if (relayKey) run.secretsSeen.push(relayKey);
    if (store) await checkAccounts(run, store);
    await addCheck(run, "drift", "protocol drift", () => checkDrift(driftBefore));
    if (options.checkRelay !== false) await addCheck(run, "relay", "running relay", () => checkRunningRelay({ dataDir: options.dataDir, relayKey }));
  } finally {
    run.transport.close();
  }
  const { checks, tokens } = run;
  return {
    report: { ok: checks.every((c) => c.status !== "fail"), startedAt, finishedAt: clock.now(), checks, selfTestTokens: tokens, drift: drift.entries() },
    headers: capture.calls(),
    clientVersion,
    secretsSeen: run.secretsSeen,
  };
}
