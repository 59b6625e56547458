// The ControlApi implementation over the relay's parts: snapshots built from the
// registry, the rotation, the sessions and the request stats (never a secret), and
// the actions the tray, the window and the dashboard call.
import type { AccountRotation } from "../accounts/account-rotation.ts";
import type { LoginManager } from "../accounts/login-manager.ts";
import type { AccountRegistry } from "../accounts/registry.ts";
import type { QuotaPoller } from "../accounts/quota-poller.ts";
import { quotaView } from "../accounts/quota-view.ts";
import type { RequestStats } from "../gateway/request-stats.ts";
import type { SessionManager } from "../sessions/session-manager.ts";
import { configureClaudeCode, undoConfigureClaudeCode } from "./claude-settings.ts";
import { configureCodex, undoConfigureCodex } from "./codex-config.ts";
import { clientSetup } from "./client-setup.ts";
import type { Clock } from "../base/clock.ts";
import type { AccountView, ControlApi, SelfTestReport, Snapshot } from "../base/control-api.ts";
import { drift } from "../cursor/drift.ts";
import { RelayError } from "../base/errors.ts";
import type { SnapshotPublisher } from "./snapshot-publisher.ts";

export const KEY_PLACEHOLDER = "<relay key>";

export interface ControlDeps {
  clock: Clock;
  registry: AccountRegistry;
  rotation: AccountRotation;
  sessions: SessionManager;
  logins: LoginManager;
  stats: RequestStats;
  proxy(): { running: boolean; url: string | null; startedAt: number | null; ephemeralPort?: boolean };
  setProxyEnabled(on: boolean): void;
  relayKey(): string;
  regenerateRelayKey(): Promise<void>;
  publisher(): SnapshotPublisher | null;
  home?: string;
  /** `cursor-relay doctor`'s checks inside this relay (absent: the action answers 409). */
  selfTest?: () => Promise<SelfTestReport>;
  /** Cursor's usage figures per account (absent: none are read). */
  quota?: Pick<QuotaPoller, "quotaOf" | "refresh">;
}

export interface ControlImpl {
  api: ControlApi;
  buildSnapshot(): Snapshot;
}

const notListening = () =>
  new RelayError({ kind: "config", status: 409, message: "the relay is not listening yet, so there is no address to configure" });

/** Snapshots from the relay's parts (never a secret); each one gets the next version number. */
function createSnapshotBuilder(deps: ControlDeps): () => Snapshot {
  const { registry, rotation, sessions, logins, stats, clock } = deps;
  let version = 0;


  function buildSnapshot(): Snapshot {
    const proxy = deps.proxy();
    const live = sessions.views();
    const accounts: AccountView[] = registry.list().map((info) => ({
      ...rotation.view(info.id),
      // Without stored credentials there is no sign-in token to renew.
      ...(info.credentialsMissing ? { credentialsMissing: true, tokenExpiresAt: null } : {}),
      id: info.id,
      label: info.label,
      displayLabel: info.displayLabel,
      sessions: live.get(info.id) ?? [],
      ...(deps.quota ? { quota: quotaView(deps.quota.quotaOf(info.id)) } : {}),
    }));
    return {
      version: ++version,
      generatedAt: clock.now(),
      proxy: {
        running: proxy.running,
        address: proxy.url,
        keyRequired: true,
        requestsPerMinute: stats.requestsPerMinute(),
        errorsLast5Min: stats.errorsLast5Min(),
        startedAt: proxy.startedAt,
      },
      accounts,
      logins: logins.views(),
      drift: drift.entries(),
    };
  }
  return buildSnapshot;
}

type ClientConfigActions = Pick<
  ControlApi,
  "getClientSetup" | "configureClaudeCode" | "undoConfigureClaudeCode" | "configureCodex" | "undoConfigureCodex"
>;

/** Set-up lines and config-file edits for the clients; all need the relay's address. */
function clientConfigActions(deps: ControlDeps): ClientConfigActions {
  const listeningUrl = () => {
    const url = deps.proxy().url;
    if (!url) throw notListening();
    return url;
  };
  const home = deps.home ? { home: deps.home } : {};
  return {
    async getClientSetup(options) {
      return clientSetup(listeningUrl(), options?.revealKey ? deps.relayKey() : KEY_PLACEHOLDER);
    },
    async configureClaudeCode() {
      return configureClaudeCode({
        baseUrl: listeningUrl(),
        relayKey: deps.relayKey(),
        now: deps.clock.now(),
        ephemeralPort: deps.proxy().ephemeralPort === true,
        ...home,
      });
    },
    async undoConfigureClaudeCode() {
      undoConfigureClaudeCode(home);
    },
    async configureCodex() {
      return configureCodex({ baseUrl: listeningUrl(), now: deps.clock.now(), ...home });
    },
    async undoConfigureCodex() {
      undoConfigureCodex(home);
    },
  };
}

export function createControlApi(deps: ControlDeps): ControlImpl {
  const { registry, rotation, logins } = deps;
  const buildSnapshot = createSnapshotBuilder(deps);
  const changed = () => deps.publisher()?.changed();

  const api: ControlApi = {
    ...clientConfigActions(deps),
    getSnapshot: async () => buildSnapshot(),
    subscribe(listener) {
      const publisher = deps.publisher();
      if (!publisher) return () => {};
      return publisher.subscribe(listener);
    },
    async setProxyRunning(running) {
      deps.setProxyEnabled(running);
    },
    async startLogin(label) {
      return logins.start(label);
    },
    async cancelLogin(handle) {
      logins.cancel(handle);
    },
    async removeAccount(id) {
      // The registry's "removed" event does the rest: the rotation forgets the account,
      // its sessions close and the snapshot is republished.
      await registry.remove(id);
    },
    async renameAccount(id, label) {
      registry.rename(id, label === "" ? null : label);
      changed();
    },
    async resetCooldown(id) {
      registry.require(id);
      rotation.resetCooldown(id);
      registry.clearAuthExpired(id);
      changed();
    },
    async regenerateRelayKey() {
      await deps.regenerateRelayKey();
      changed();
    },
    async revealRelayKey() {
      return deps.relayKey();
    },
    async runSelfTest() {
      if (!deps.selfTest) throw new RelayError({ kind: "config", status: 409, message: "this relay cannot run the self-test; run `cursor-relay doctor`" });
      const report = await deps.selfTest();
      changed(); // the drift counters may have moved
      return report;
    },
    async refreshQuota(id) {
      if (id !== null) registry.require(id);
      await deps.quota?.refresh(id ?? undefined);
      changed();
    },
  };
  return { api, buildSnapshot };
}
