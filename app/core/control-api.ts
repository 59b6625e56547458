// The one typed contract between the relay core and its faces (Electron tray and
// window over IPC, the web dashboard over HTTP + SSE, the CLI). It carries no
// secret: the relay key is only ever revealed through revealRelayKey() to a face
// that the user is driving, never inside a snapshot.

export type AccountState = "ready" | "cooling" | "auth_expired" | "disabled";
export type SessionState = "streaming" | "waiting_tool_result" | "idle";

export interface TokenCounts {
  input: number;
  output: number;
  cacheRead: number;
}

export interface LiveSessionView {
  conversationId: string;
  model: string;
  state: SessionState;
  tokens: TokenCounts;
  startedAt: number;
}

export interface AccountView {
  id: string;
  displayLabel: string;
  state: AccountState;
  cooldownUntil: number | null;
  cooldownReason: string | null;
  cooldownStatus: number | null;
  disabledReason: string | null;
  sessions: LiveSessionView[];
  tokensToday: TokenCounts;
  tokensTotal: TokenCounts;
  /** Tokens (input + output) per minute over the last hour, oldest first, 60 entries. */
  tokensPerMinute: number[];
  requests: number;
  errorsByStatus: Record<string, number>;
  lastUsedAt: number | null;
  lastError: string | null;
  tokenExpiresAt: number | null;
}

export interface ProxyView {
  running: boolean;
  address: string | null;
  keyRequired: boolean;
  requestsPerMinute: number;
  errorsLast5Min: number;
  startedAt: number | null;
}

export interface LoginView {
  handle: string;
  url: string;
  label: string | null;
  state: "waiting" | "succeeded" | "failed" | "cancelled";
  accountId: string | null;
  error: string | null;
}

export interface Snapshot {
  /** Increases with every published change. */
  version: number;
  generatedAt: number;
  proxy: ProxyView;
  accounts: AccountView[];
  logins: LoginView[];
}

export interface ClientSetup {
  baseUrl: string;
  /** Lines ready to paste into a shell, with the key shown. */
  claudeCodeEnv: string[];
  openAiEnv: string[];
}

export interface ConfigureClaudeCodeResult {
  settingsPath: string;
  backupPath: string | null;
}

export interface ControlApi {
  getSnapshot(): Promise<Snapshot>;
  /** Pushed on change, coalesced to at most a few per second. Returns an unsubscribe function. */
  subscribe(listener: (snapshot: Snapshot) => void): () => void;
  setProxyRunning(running: boolean): Promise<void>;
  /** Starts a browser login; resolves once the URL is known (the result arrives in snapshots). */
  startLogin(label: string | null): Promise<LoginView>;
  cancelLogin(handle: string): Promise<void>;
  removeAccount(id: string): Promise<void>;
  renameAccount(id: string, label: string): Promise<void>;
  resetCooldown(id: string): Promise<void>;
  regenerateRelayKey(): Promise<void>;
  getClientSetup(): Promise<ClientSetup>;
  configureClaudeCode(): Promise<ConfigureClaudeCodeResult>;
  undoConfigureClaudeCode(): Promise<void>;
}
