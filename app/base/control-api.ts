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
  /** The Cursor model the client's model name was mapped to. */
  cursorModel: string;
}

export interface AccountView {
  id: string;
  /** The label the user chose (null when none; displayLabel derives from it); the UI pre-fills "rename" with it. */
  label: string | null;
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
  /** No stored credentials for this account (state auth_expired): the fix is a new login. Optional for older views. */
  credentialsMissing?: boolean;
  /** Cursor's own usage figures for the account (absent from views built before quota reading existed). */
  quota?: QuotaView;
}

/** An account's plan usage as Cursor last reported it; null = not known (yet). Times in ms since the epoch. */
export interface QuotaView {
  plan: string | null;
  /** Percent used of the Auto pool (Cursor's own models: auto, composer-*). */
  autoPercentUsed: number | null;
  /** Percent used of the API pool (Claude, GPT, Gemini and other models). */
  apiPercentUsed: number | null;
  /** On-demand spend beyond the plan, in cents, when a limit is set. */
  onDemand: { limitCents: number; spentCents: number } | null;
  /** When the billing cycle resets. */
  resetsAt: number | null;
  /** Cursor's own one-line status, as-is. */
  displayMessage: string | null;
  /** false: Cursor does not track usage for this account. */
  tracked: boolean;
  /** When the figures above were read. */
  readAt: number | null;
  /** The last read failed (the figures above are older). */
  readError: string | null;
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
  /** Protocol drift the Cursor layer counted since start (absent in snapshots from older relays). */
  drift?: DriftEntryView[];
}

export interface ClientSetup {
  baseUrl: string;
  /** Lines ready to paste into a shell: with the real key only when asked for with
   * revealKey, else with a placeholder in its place (e.g. `<relay key>`). */
  claudeCodeEnv: string[];
  openAiEnv: string[];
  /** The shell line exporting the key Codex reads (env_key), with the same placeholder rule. */
  codexEnv: string[];
  /** The ~/.codex/config.toml lines that make Codex use the relay. */
  codexConfig: string[];
  /** Gemini CLI's base URL and key lines, with the same placeholder rule. */
  geminiCliEnv: string[];
  /** The ~/.gemini/settings.json lines that select API-key auth. */
  geminiCliSettings: string[];
  /** Every client's lines in the order shown (by `cursor-relay env` and the dashboard). */
  blocks: SetupBlock[];
}

/** One pasteable block of set-up lines. */
export interface SetupBlock {
  /** Stable name (e.g. "codex-config"). */
  id: string;
  /** The heading shown above the lines: the client, and the file when they go in one. */
  title: string;
  /** Where the lines go: "shell", or the file they belong in (e.g. "~/.codex/config.toml"). */
  target: string;
  lines: string[];
}

export interface ClientSetupOptions {
  /** Put the real relay key into the lines (an explicit user action: copy / show). Default false. */
  revealKey?: boolean;
}

export interface ConfigureClaudeCodeResult {
  settingsPath: string;
  backupPath: string | null;
  /** Something the user should know about what was written (e.g. an ephemeral port). */
  warning?: string;
}

export interface ConfigureCodexResult {
  configPath: string;
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
  /** Sets the label (validated like a login's label); an empty string clears it. */
  renameAccount(id: string, label: string): Promise<void>;
  resetCooldown(id: string): Promise<void>;
  regenerateRelayKey(): Promise<void>;
  /** The relay key itself, for a face the user is driving (show / copy). Never in a snapshot. */
  revealRelayKey(): Promise<string>;
  getClientSetup(options?: ClientSetupOptions): Promise<ClientSetup>;
  configureClaudeCode(): Promise<ConfigureClaudeCodeResult>;
  undoConfigureClaudeCode(): Promise<void>;
  /** Reads Cursor's usage figures now, for one account or (null) every account; resolves when read. */
  refreshQuota(id: string | null): Promise<void>;
  configureCodex(): Promise<ConfigureCodexResult>;
  undoConfigureCodex(): Promise<void>;
  /** Runs `cursor-relay doctor`'s checks inside the relay (live Runs on each ready account). */
  runSelfTest(): Promise<SelfTestReport>;
}

// ---- self-test (`cursor-relay doctor`, the dashboard's and the tray's "Run self-test") ----

/** One protocol-drift counter: a kind and a short key (a type name, field number or code), never contents. */
export interface DriftEntryView {
  kind: string;
  key: string;
  count: number;
  firstSeenAt: number;
  lastSeenAt: number;
}

export type SelfTestStatus = "pass" | "fail" | "skip";

export interface SelfTestCheck {
  /** Stable id, e.g. "data_dir", "secret_store", "token:<account>", "run:<account>". */
  id: string;
  title: string;
  status: SelfTestStatus;
  /** What was found, one line (never a secret, prompt or tool output). */
  detail: string;
  /** On failure: what the user should do next. */
  next: string | null;
  durationMs: number;
}

export interface SelfTestReport {
  ok: boolean;
  startedAt: number;
  finishedAt: number;
  checks: SelfTestCheck[];
  /** Tokens the self-test Runs used (shown here, never added to the accounts' usage figures). */
  selfTestTokens: number;
  drift: DriftEntryView[];
}
