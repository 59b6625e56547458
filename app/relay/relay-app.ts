// The relay as one object: accounts (registry, rotation, pool, logins), the Cursor
// client, sessions, the HTTP front door with the management API, and the ControlApi
// every face drives. `cursor-relay serve` and the Electron main process both create
// it; nothing here imports electron. Each part is built in its own module; this one
// only puts them together and says in which order they start and stop.
import type { OpenedAccounts } from "../accounts/open-accounts.ts";
import type { AccountRotation } from "../accounts/account-rotation.ts";
import type { LoginManager } from "../accounts/login-manager.ts";
import type { QuotaPoller } from "../accounts/quota-poller.ts";
import type { ControlApi } from "../base/control-api.ts";
import { RelayError } from "../base/errors.ts";
import type { CursorClientHandle } from "../cursor/client.ts";
import type { Gateway } from "../gateway/gateway.ts";
import type { RequestStats } from "../gateway/request-stats.ts";
import type { CheckpointStore } from "../sessions/checkpoint-store.ts";
import type { SessionManager } from "../sessions/session-manager.ts";
import { openRelayAccounts } from "./relay-accounts.ts";
import { relayContext, type RelayAppOptions } from "./relay-app-options.ts";
import { createRelayControl, type ProxySwitch } from "./relay-control.ts";
import { holdRelayKey } from "./relay-key.ts";
import { createRelayListening } from "./relay-listening.ts";
import { createRelayQuota } from "./relay-quota.ts";
import { createRelayGateway, createRelayTurns } from "./relay-turns.ts";

export { DEFAULT_HOST, DEFAULT_PORT, type RelayAppOptions } from "./relay-app-options.ts";

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
  rotation: AccountRotation;
  cursor: CursorClientHandle;
  sessions: SessionManager;
  checkpoints: CheckpointStore;
  gateway: Gateway;
  logins: LoginManager;
  stats: RequestStats;
  quota: QuotaPoller;
}

export async function createRelayApp(options: RelayAppOptions): Promise<RelayApp> {
  const ctx = relayContext(options);
  const { logger, managementKey } = ctx;
  const accounts = await openRelayAccounts(ctx);
  const { registry, secrets } = accounts.opened;
  const relayKey = await holdRelayKey(secrets, logger, options.apiKey);
  const quota = createRelayQuota(ctx, registry, accounts.opened.settings);
  const turns = createRelayTurns(ctx, accounts, quota.routing);
  const listening = createRelayListening(ctx, secrets, relayKey);
  const proxy: ProxySwitch = { on: options.proxyEnabled ?? true };
  const gateway = createRelayGateway(ctx, accounts, turns, { relayKey: relayKey.current, proxyEnabled: () => proxy.on, management: listening.management });
  const relayControl = createRelayControl(ctx, { accounts, turns, quota: quota.poller, relayKey, listening, proxy });
  const { control } = relayControl;
  const { rotation, logins } = accounts;
  const { cursor, sessions, checkpoints, stats } = turns;

  return {
    control: control.api,
    parts: { accounts: accounts.opened, rotation, cursor, sessions, checkpoints, gateway, logins, stats, quota: quota.poller },
    managementKey,
    get url() {
      return listening.url;
    },
    get port() {
      return listening.port;
    },
    relayKey: relayKey.current,
    dashboardUrl() {
      if (listening.url === null) throw new RelayError({ kind: "internal", status: 500, message: "the relay is not listening" });
      return `${listening.url}/ui/#key=${managementKey}`;
    },
    async start() {
      if (listening.url !== null) return;
      await listening.start((req, res) => gateway.handle(req, res), control.api);
      cursor.preload().catch((e: unknown) => logger.error("could not load the Cursor client", { error: String(e) }));
      quota.poller.start();
      relayControl.changed();
    },
    async stop() {
      relayControl.unfollow();
      await quota.close();
      listening.closeEventStreams();
      sessions.close();
      logins.close();
      relayControl.close();
      await listening.stop();
      turns.closeStores();
      rotation.close();
      registry.close();
      // close() wrote what was due; a write still in flight is dropped, and its temp file goes once it settles.
      await Promise.all([turns.flushStores(), rotation.flush()]);
    },
  };
}
