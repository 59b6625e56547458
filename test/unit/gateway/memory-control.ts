// An in-memory ControlApi for transport tests (management HTTP handler, IPC bridge,
// renderer clients). It behaves like the real one where a face can tell: actions
// change the state and publish a new snapshot with a higher version; unknown ids are
// 404 RelayErrors; the relay key never appears in a snapshot.
import type {
  AccountView,
  ClientSetup,
  ClientSetupOptions,
  ConfigureClaudeCodeResult,
  ControlApi,
  LoginView,
  SelfTestReport,
  Snapshot,
} from "../../../app/base/control-api.ts";
import { RelayError } from "../../../app/base/errors.ts";

export const TEST_RELAY_KEY = "relay-key-0123456789abcdef";

export function sampleAccount(over: Partial<AccountView> & { id: string }): AccountView {
  const label = over.label ?? over.id.replace(/^cursor\./, "");
  return {
    label,
    displayLabel: `Cursor ${label}`,
    state: "ready",
    cooldownUntil: null,
    cooldownReason: null,
    cooldownStatus: null,
    disabledReason: null,
    sessions: [],
    tokensToday: { input: 0, output: 0, cacheRead: 0 },
    tokensTotal: { input: 0, output: 0, cacheRead: 0 },
    tokensPerMinute: new Array<number>(60).fill(0),
    requests: 0,
    errorsByStatus: {},
    lastUsedAt: null,
    lastError: null,
    tokenExpiresAt: null,
    ...over,
  };
}

export interface MemoryControl extends ControlApi {
  /** Every action call, in order, with its positional arguments. */
  readonly calls: Array<{ name: string; args: unknown[] }>;
  /** Changes the state and publishes the next snapshot. */
  update(change: (s: Snapshot) => void): Snapshot;
  completeLogin(handle: string, accountId: string): void;
  readonly listenerCount: number;
  /** When set, every action rejects with it. */
  failWith: Error | null;
}

export function createMemoryControl(initial?: Partial<Snapshot>, now: () => number = () => Date.UTC(2026, 10, 24, 12)): MemoryControl {
  let snapshot: Snapshot = {
    version: 1,
    generatedAt: now(),
    proxy: { running: true, address: "127.0.0.1:8765", keyRequired: true, requestsPerMinute: 0, errorsLast5Min: 0, startedAt: now() },
    accounts: [],
    logins: [],
    ...initial,
  };
  const listeners = new Set<(s: Snapshot) => void>();
  const calls: Array<{ name: string; args: unknown[] }> = [];
  let loginSeq = 0;
  let relayKey = TEST_RELAY_KEY;
  let configured = false;
  let codexConfigured = false;

  const copy = (): Snapshot => structuredClone(snapshot);
  const update = (change: (s: Snapshot) => void): Snapshot => {
    const next = copy();
    change(next);
    next.version = snapshot.version + 1;
    next.generatedAt = now();
    snapshot = next;
    for (const l of [...listeners]) l(copy());
    return copy();
  };
  const account = (s: Snapshot, id: string): AccountView => {
    const a = s.accounts.find((x) => x.id === id);
    if (!a) throw new RelayError({ kind: "not_found", status: 404, message: `no account ${JSON.stringify(id)}` });
    return a;
  };
  const login = (s: Snapshot, handle: string): LoginView => {
    const l = s.logins.find((x) => x.handle === handle);
    if (!l) throw new RelayError({ kind: "not_found", status: 404, message: `no login ${JSON.stringify(handle)}` });
    return l;
  };

  const control: MemoryControl = {
    calls,
    failWith: null,
    get listenerCount() {
      return listeners.size;
    },
    update,
    completeLogin(handle, accountId) {
      update((s) => {
        const l = login(s, handle);
        l.state = "succeeded";
        l.accountId = accountId;
        s.accounts.push(sampleAccount({ id: accountId, label: l.label }));
      });
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async getSnapshot() {
      record("getSnapshot", []);
      return copy();
    },
    async setProxyRunning(running) {
      record("setProxyRunning", [running]);
      update((s) => {
        s.proxy.running = running;
        s.proxy.startedAt = running ? now() : null;
      });
    },
    async startLogin(label) {
      record("startLogin", [label]);
      const handle = `login-${++loginSeq}`;
      const view: LoginView = { handle, url: `https://cursor.example/loginDeepControl?h=${handle}`, label, state: "waiting", accountId: null, error: null };
      update((s) => {
        s.logins.unshift(view);
      });
      return { ...view };
    },
    async cancelLogin(handle) {
      record("cancelLogin", [handle]);
      update((s) => {
        login(s, handle).state = "cancelled";
      });
    },
    async removeAccount(id) {
      record("removeAccount", [id]);
      update((s) => {
        account(s, id);
        s.accounts = s.accounts.filter((a) => a.id !== id);
      });
    },
    async renameAccount(id, label) {
      record("renameAccount", [id, label]);
      update((s) => {
        const a = account(s, id);
        a.label = label === "" ? null : label;
        a.displayLabel = label === "" ? "Cursor User" : `Cursor ${label}`;
      });
    },
    async resetCooldown(id) {
      record("resetCooldown", [id]);
      update((s) => {
        const a = account(s, id);
        a.state = "ready";
        a.cooldownUntil = null;
        a.cooldownReason = null;
        a.cooldownStatus = null;
      });
    },
    async regenerateRelayKey() {
      record("regenerateRelayKey", []);
      relayKey = `relay-key-regenerated-${calls.length}`;
    },
    async revealRelayKey() {
      record("revealRelayKey", []);
      return relayKey;
    },
    async getClientSetup(options?: ClientSetupOptions): Promise<ClientSetup> {
      record("getClientSetup", [options]);
      const key = options?.revealKey ? relayKey : "<relay key>";
      const baseUrl = `http://${snapshot.proxy.address ?? "127.0.0.1:8765"}`;
      return {
        baseUrl,
        claudeCodeEnv: [`export ANTHROPIC_BASE_URL=${baseUrl}`, `export ANTHROPIC_AUTH_TOKEN=${key}`],
        openAiEnv: [`export OPENAI_BASE_URL=${baseUrl}/v1`, `export OPENAI_API_KEY=${key}`],
        codexEnv: [`export CURSOR_RELAY_API_KEY=${key}`],
        codexConfig: ['model_provider = "cursor-relay"', "", "[model_providers.cursor-relay]", `base_url = "${baseUrl}/v1"`],
        geminiCliEnv: [`export GOOGLE_GEMINI_BASE_URL=${baseUrl}`, `export GEMINI_API_KEY=${key}`],
        geminiCliSettings: ['{"security":{"auth":{"selectedType":"gemini-api-key"}}}'],
        blocks: [{ id: "claude-code", title: "Claude Code", target: "shell", lines: [`export ANTHROPIC_BASE_URL=${baseUrl}`, `export ANTHROPIC_AUTH_TOKEN=${key}`] }],
      };
    },
    async configureClaudeCode(): Promise<ConfigureClaudeCodeResult> {
      record("configureClaudeCode", []);
      configured = true;
      return { settingsPath: "/home/user/.claude/settings.json", backupPath: "/home/user/.claude/settings.json.bak-20261124T120000Z" };
    },
    async undoConfigureClaudeCode() {
      record("undoConfigureClaudeCode", []);
      if (!configured) throw new RelayError({ kind: "invalid_request", status: 409, message: "nothing to undo" });
      configured = false;
    },
    async runSelfTest(): Promise<SelfTestReport> {
      record("runSelfTest", []);
      const check = { id: "data_dir", title: "data folder", status: "pass" as const, detail: "/home/user/.config/cursor-relay (0700)", next: null, durationMs: 1 };
      return { ok: true, startedAt: now(), finishedAt: now(), checks: [check], selfTestTokens: 0, drift: [] };
    },
    async configureCodex() {
      record("configureCodex", []);
      codexConfigured = true;
      return { configPath: "/home/user/.codex/config.toml", backupPath: "/home/user/.codex/config.toml.cursor-relay-backup-2026-11-24T12-00-00-000Z" };
    },
    async undoConfigureCodex() {
      record("undoConfigureCodex", []);
      if (!codexConfigured) throw new RelayError({ kind: "not_found", status: 404, message: "there is no Codex configuration to undo" });
      codexConfigured = false;
    },
    async refreshQuota(id) {
      record("refreshQuota", [id]);
    },
  };

  function record(name: string, args: unknown[]): void {
    if (control.failWith) throw control.failWith;
    calls.push({ name, args });
  }
  return control;
}
