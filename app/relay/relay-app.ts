// The relay as one object: accounts (registry, conductor, pool, logins), the Cursor
// client, sessions, the HTTP front door with the management API, and the ControlApi
// every face drives. `cursor-relay serve` and the Electron main process both create
// it; nothing here imports electron.
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { createAccountPool } from "../accounts/account-pool.ts";
import { openSystemBrowser, type OpenBrowser } from "../accounts/browser.ts";
import { createConductor, type Conductor, type ConductorOptions } from "../accounts/conductor.ts";
import type { FetchLike } from "../accounts/cursor-http.ts";
import { createLoginManager, type LoginManager } from "../accounts/login-manager.ts";
import { openAccounts, type OpenedAccounts } from "../accounts/open-accounts.ts";
import type { KeytarLike } from "../accounts/secret-store-keytar.ts";
import type { RelayKeyEntry } from "../accounts/secret-store.ts";
import { createQuotaFileWriter, readQuotaFile } from "../accounts/quota-file.ts";
import { createQuotaPoller, type QuotaPoller } from "../accounts/quota-poller.ts";
import { followQuotaCooldowns } from "../accounts/quota-cooldowns.ts";
import { createQuotaRouting } from "../accounts/quota-routing.ts";
import { createUsageApi } from "../accounts/usage-api.ts";
import type { SettingsStore } from "../accounts/settings-store.ts";
import type { CursorClientHandle, CursorClientOptions } from "../cursor/client.ts";
import { createLazyCursorClient } from "../cursor/lazy-client.ts";
import { FALLBACK_MODELS } from "../cursor/models.ts";
import type { CursorModel } from "../cursor/types.ts";
import { createGateway, type Gateway } from "../gateway/gateway.ts";
import { listen, type Listener, type ListenOptions } from "../gateway/listen.ts";
import { createManagementHandler, type ManagementHandler } from "../gateway/management/index.ts";
import { createRequestStats, type RequestStats } from "../gateway/request-stats.ts";
import { createCheckpointFiles } from "../sessions/checkpoint-files.ts";
import { createCheckpointStore, type CheckpointStore } from "../sessions/checkpoint-store.ts";
import { createSessionManager, type SessionManager, type SessionManagerOptions } from "../sessions/session-manager.ts";
import { openThreadIds } from "../sessions/thread-file.ts";
import { systemClock, type Clock } from "../base/clock.ts";
import { createControlApi } from "./control.ts";
import type { ControlApi } from "../base/control-api.ts";
import { RelayError } from "../base/errors.ts";
import { createLogger, type Logger } from "../base/log.ts";
import { readCursorTuning } from "./cursor-tuning.ts";
import { readModelMap } from "./model-map.ts";
import { createModelNotices } from "./model-notices.ts";
import { readQuotaSettings } from "./quota-settings.ts";
import type { RoutingPolicyName } from "../base/quota.ts";
import { ensureRelayKey, generateRelayKey } from "./relay-key.ts";
import { clearRuntimeInfo, MANAGEMENT_KEY_ENTRY, writeRuntimeInfo } from "./runtime-file.ts";
import { createSnapshotPublisher, type SnapshotPublisher } from "./snapshot-publisher.ts";

export const DEFAULT_PORT = 8742;
export const DEFAULT_HOST = "127.0.0.1";

export interface RelayAppOptions {
  dataDir: string;
  cursorApi: string;
  secretStore: "keychain" | "file";
  host?: string;
  /** 0 = any free port. */
  port?: number;
  /** An explicit relay key (--api-key / CURSOR_RELAY_API_KEY); else the stored one, generated on first run. */
  apiKey?: string;
  /** The management API key; a fresh random one per run when absent. */
  managementKey?: string;
  /** The built renderer served at /ui (null: no dashboard files). */
  uiDir?: string | null;
  /** Start with the proxy switched on (default true). */
  proxyEnabled?: boolean;
  /** Receives user-facing warnings (file secret store, …). */
  warn?: (message: string) => void;
  clock?: Clock;
  logger?: Logger;
  keytar?: KeytarLike;
  fetch?: FetchLike;
  openBrowser?: OpenBrowser | null;
  /** Home folder whose ~/.claude/settings.json "Configure Claude Code" edits. */
  home?: string;
  cursor?: Omit<CursorClientOptions, "baseUrl" | "clock">;
  sessions?: Pick<SessionManagerOptions, "toolGatherMs" | "parkTimeoutMs" | "pingIntervalMs" | "idleListMs" | "maxAttempts">;
  /** Cooldown lengths and the state.json debounce (tests shorten them). */
  conductor?: Pick<ConductorOptions, "backoff" | "persistDebounceMs">;
  gateway?: { bodyLimitBytes?: number; maxConcurrentPerKey?: number };
  /** Socket limits: header size (431), how long a client may take to send its headers / request. */
  listen?: Pick<ListenOptions, "headersTimeoutMs" | "requestTimeoutMs" | "maxHeaderSize">;
  /** Write <dataDir>/relay.json while running (default true). */
  runtimeFile?: boolean;
  /** Where CURSOR_RELAY_* tuning variables are read (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Usage polling: interval (default from settings.json, else 5 min) and the jitter's random source. */
  quota?: { pollMs?: number; random?: () => number; routing?: RoutingPolicyName };
  /** The settings file's store (default: the file store over <dataDir>/settings.json). */
  settings?: SettingsStore;
}

export interface RelayApp {
  readonly control: ControlApi;
  /** Opens the accounts, makes sure a relay key exists and starts listening. */
  start(): Promise<void>;
  /** Closes every stream, flushes usage and cooldowns, stops listening. */
  stop(): Promise<void>;
  /** `http://127.0.0.1:<port>` once started. */
  readonly url: string | null;
  readonly port: number | null;
  /** The dashboard URL with the management key in its fragment (never sent to a server). */
  dashboardUrl(): string;
  relayKey(): string;
  readonly managementKey: string;
  /** Internals for tests and benchmarks. */
  readonly parts: RelayParts;
}

export interface RelayParts {
  accounts: OpenedAccounts;
  conductor: Conductor;
  cursor: CursorClientHandle;
  sessions: SessionManager;
  checkpoints: CheckpointStore;
  gateway: Gateway;
  logins: LoginManager;
  stats: RequestStats;
  quota: QuotaPoller;
}

export async function createRelayApp(options: RelayAppOptions): Promise<RelayApp> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger();
  const warn = options.warn ?? ((m: string) => logger.warn(m));
  const managementKey = options.managementKey ?? randomBytes(24).toString("base64url");
  logger.addSecret(managementKey);
  if (options.apiKey) logger.addSecret(options.apiKey);

  const accounts = await openAccounts({
    dataDir: options.dataDir,
    cursorApi: options.cursorApi,
    secretStore: options.secretStore,
    warn,
    clock,
    logger: logger.child("accounts"),
    eager: true,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.keytar ? { keytar: options.keytar } : {}),
    ...(options.settings ? { settings: options.settings } : {}),
  });
  const { registry, secrets } = accounts;
  let relayKey = await ensureRelayKey(secrets, options.apiKey);
  logger.addSecret(relayKey);
  // A key from the command line is kept in its own secret entry while this relay runs, so
  // `cursor-relay env` (another process) can tell clients the key this relay really accepts.
  const keyEntry: RelayKeyEntry = options.apiKey ? "relay-key-running" : "relay-key";
  const publishesKey = options.runtimeFile !== false;

  const conductor = createConductor({ dataDir: options.dataDir, clock, accounts: registry, logger: logger.child("conductor"), ...options.conductor });
  const quotaSettings = readQuotaSettings(accounts.settings, warn);
  const quotaFile = createQuotaFileWriter(options.dataDir, (id) => registry.get(id) !== null, (e) =>
    logger.warn("could not save the usage figures", { error: e instanceof Error ? e.message : String(e) }),
  );
  const quota = createQuotaPoller({
    registry,
    api: createUsageApi({ cursorApi: options.cursorApi, clock, ...(options.fetch ? { fetch: options.fetch } : {}) }),
    clock,
    ...(options.quota?.random ? { random: options.quota.random } : {}),
    ...(options.quota?.pollMs ?? quotaSettings.pollMs ? { intervalMs: options.quota?.pollMs ?? quotaSettings.pollMs! } : {}),
    initial: readQuotaFile(options.dataDir),
    persist: (quotas) => quotaFile.save(quotas),
    logger: logger.child("quota"),
  });
  // A refresh someone asked for (Refresh button, accounts --refresh, tests) resolves once its figures are on disk too.
  const quotaSaved: QuotaPoller = {
    ...quota,
    refresh: async (id) => {
      await quota.refresh(id);
      await quotaFile.flush();
    },
  };
  const routing = createQuotaRouting({ quota, clock, policy: () => options.quota?.routing ?? quotaSettings.routing });
  const pool = createAccountPool({ registry, conductor, logger: logger.child("pool"), quota: routing });
  // Loaded once listening (see start()): its modules are most of what start-up would import.
  const tuning = { ...readCursorTuning(accounts.settings, options.env ?? process.env, warn), ...options.cursor };
  const modelNotices = createModelNotices(logger.child("models"));
  const cursor = createLazyCursorClient({
    ...tuning,
    modelMap: { ...readModelMap(accounts.settings, warn), ...options.cursor?.modelMap },
    onModelResolved: (resolution, accountId) => modelNotices.resolved(resolution, accountId),
    baseUrl: options.cursorApi,
    clock,
    onDiagnostic: options.cursor?.onDiagnostic ?? ((m) => logger.debug(m)),
  });
  // Checkpoints live in the data folder too, so `claude --resume` after a restart replays them.
  const checkpoints = createCheckpointStore({
    clock,
    persistence: createCheckpointFiles({ dir: join(options.dataDir, "checkpoints"), clock, logger: logger.child("checkpoints") }),
  });
  // Checkpoints of accounts removed while the relay was stopped are never replayed.
  checkpoints.retainAccounts(new Set(registry.list().map((a) => a.id)));
  const threadIds = openThreadIds({ path: join(options.dataDir, "threads.json"), clock, logger: logger.child("threads") });
  const sessions = createSessionManager({ cursor, pool, checkpoints, threads: threadIds.threads, clock, logger: logger.child("sessions"), ...options.sessions });
  const stats = createRequestStats(clock);
  const logins = createLoginManager({
    cursorApi: options.cursorApi,
    clock,
    registry,
    warn,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.openBrowser === null ? {} : { openBrowser: options.openBrowser ?? openSystemBrowser }),
  });

  let proxyEnabled = options.proxyEnabled ?? true;
  let listener: Listener | null = null;
  let startedAt: number | null = null;
  let management: ManagementHandler | null = null;
  let publisher: SnapshotPublisher | null = null;

  /** A live model list from any ready account, else the fallback. */
  async function listModels(): Promise<CursorModel[]> {
    for (const a of registry.list()) {
      if (!conductor.isReady(a.id)) continue;
      try {
        const { models, source } = await cursor.modelList(await registry.getAccessToken(a.id), a.id);
        modelNotices.listed(source, a.id);
        return models;
      } catch {
        // try the next account
      }
    }
    return [...FALLBACK_MODELS];
  }

  const gateway = createGateway({
    sessions,
    relayKey: () => relayKey,
    proxyEnabled: () => proxyEnabled,
    listModels,
    stats,
    logger: logger.child("gateway"),
    ...options.gateway,
    management: (req, res) => (management ? management(req, res) : Promise.resolve(false)),
  });

  const control = createControlApi({
    clock,
    registry,
    conductor,
    sessions,
    logins,
    stats,
    proxy: () => ({ running: proxyEnabled, url: listener?.url ?? null, startedAt, ephemeralPort: options.port === 0 }),
    setProxyEnabled: (on) => {
      proxyEnabled = on;
      publisher?.changed();
    },
    relayKey: () => relayKey,
    regenerateRelayKey: async () => {
      const next = generateRelayKey();
      await secrets.setRelayKey(next);
      if (keyEntry === "relay-key-running") await secrets.setRelayKey(next, keyEntry);
      logger.addSecret(next);
      relayKey = next;
    },
    publisher: () => publisher,
    ...(options.home ? { home: options.home } : {}),
    selfTest: async () => {
      const { runDoctor } = await import("../doctor/doctor.ts");
      const run = { dataDir: options.dataDir, cursorApi: options.cursorApi, clock, relayKey, openSecrets: async () => secrets, registry: () => registry };
      return (await runDoctor({ ...run, ...(tuning.clientVersion ? { clientVersion: tuning.clientVersion } : {}) })).report;
    },
    quota: quotaSaved,
  });
  publisher = createSnapshotPublisher({ clock, build: control.buildSnapshot, logger });
  const poke = () => publisher?.changed();
  const unsubscribers = [
    conductor.onChange(poke),
    quota.onChange(poke),
    followQuotaCooldowns({ quota, conductor, clock, accountIds: () => registry.list().map((a) => a.id) }),
    // A quota failure: read that account's figures soon, so a cooldown can follow the real limit.
    conductor.onChange((change) => {
      if (change.type === "cooling" && conductor.view(change.accountId).cooldownStatus === 429) quota.afterQuotaFailure(change.accountId);
    }),
    sessions.onChange(poke),
    registry.onChange((change) => {
      if (change.type === "removed" || change.type === "auth_expired") {
        sessions.closeAccount(change.accountId);
      }
      poke();
    }),
    logins.onChange(poke),
  ];

  const app: RelayApp = {
    control: control.api,
    parts: { accounts, conductor, cursor, sessions, checkpoints, gateway, logins, stats, quota: quotaSaved },
    managementKey,
    get url() {
      return listener?.url ?? null;
    },
    get port() {
      return listener?.port ?? null;
    },
    relayKey: () => relayKey,
    dashboardUrl() {
      if (!listener) throw new RelayError({ kind: "internal", status: 500, message: "the relay is not listening" });
      return `${listener.url}/ui/#key=${managementKey}`;
    },
    async start() {
      if (listener) return;
      management = createManagementHandler({
        control: control.api,
        managementKey,
        uiDir: options.uiDir ?? null,
        logger: logger.child("management"),
      });
      listener = await listen((req, res) => gateway.handle(req, res), {
        host: options.host ?? DEFAULT_HOST,
        port: options.port ?? DEFAULT_PORT,
        ...options.listen,
      });
      startedAt = clock.now();
      cursor.preload().catch((e: unknown) => logger.error("could not load the Cursor client", { error: String(e) }));
      if (publishesKey) {
        if (keyEntry === "relay-key-running") await secrets.setRelayKey(relayKey, keyEntry);
        // How `cursor-relay accounts` authenticates to this relay: the management key, kept
        // in the secret store (never in a plain file) while the relay runs.
        await secrets.setRelayKey(managementKey, MANAGEMENT_KEY_ENTRY);
        writeRuntimeInfo(options.dataDir, { pid: process.pid, url: listener.url, port: listener.port, startedAt, keyEntry });
      }
      quota.start();
      publisher?.changed();
    },
    async stop() {
      for (const u of unsubscribers) u();
      quota.close();
      await quotaFile.flush();
      management?.closeEventStreams();
      sessions.close();
      logins.close();
      publisher?.close();
      publisher = null;
      if (listener) {
        await listener.close(500);
        if (publishesKey) {
          clearRuntimeInfo(options.dataDir, process.pid);
          if (keyEntry === "relay-key-running") await secrets.deleteRelayKey(keyEntry).catch(() => undefined);
          await secrets.deleteRelayKey(MANAGEMENT_KEY_ENTRY).catch(() => undefined);
        }
      }
      listener = null;
      checkpoints.close();
      threadIds.close();
      cursor.close();
      conductor.close();
      registry.close();
      // close() wrote what was due; a write still in flight is dropped, and its temp file goes once it settles.
      await Promise.all([threadIds.flush(), conductor.flush()]);
    },
  };
  return app;
}
