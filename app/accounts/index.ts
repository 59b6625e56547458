// The accounts layer: identity from the JWT, secrets (keychain / file), settings,
// the account registry with token refresh, and browser login.
export {
  EXPIRY_MARGIN_MS,
  UNKNOWN_LIFETIME_MS,
  readTokenClaims,
  tokenExpiresAt,
  subToShortHash,
  normalizeLabel,
  accountIdFor,
  displayLabelFor,
  identify,
  type TokenClaims,
  type TokenIdentity,
} from "./identity.ts";
export {
  SECRET_SERVICE,
  RELAY_KEY_ENTRY,
  createMemorySecretStore,
  lazySecretStore,
  type Secrets,
  type SecretStore,
} from "./secret-store.ts";
export { openKeytarSecretStore, keychainUnavailable, type KeytarLike, type KeytarStoreOptions } from "./secret-store-keytar.ts";
export { openFileSecretStore, SECRETS_FILE, SECRETS_KEY_FILE, type FileSecretStoreOptions } from "./secret-store-file.ts";
export { openSecretStore, type OpenSecretStoreOptions } from "./secret-store-open.ts";
export { openAccounts, type OpenAccountsOptions, type OpenedAccounts } from "./open-accounts.ts";
export {
  SETTINGS_FILE,
  createFileSettingsStore,
  createMemorySettingsStore,
  escapeKey,
  type SettingsStore,
} from "./settings-store.ts";
export {
  REFRESH_LEAD_MS,
  createAccountRegistry,
  notFound as accountNotFound,
  type AccountInfo,
  type AccountChange,
  type AccountRegistry,
  type AccountRegistryOptions,
} from "./registry.ts";
export { exchangeRefreshToken, REFRESH_TIMEOUT_MS, type RefreshOptions } from "./refresh.ts";
export { DEFAULT_CURSOR_API, type FetchLike } from "./cursor-http.ts";
export { createPkce, challengeFor, loginPageBase, loginUrl, type Pkce } from "./pkce.ts";
export {
  DEFAULT_POLL_POLICY,
  LOGIN_CANCELLED,
  isLoginCancelled,
  pollForTokens,
  startLogin,
  type LoginHandle,
  type PollPolicy,
  type StartLoginOptions,
} from "./login.ts";
export { createLoginManager, type LoginManager, type LoginManagerOptions } from "./login-manager.ts";
export { openSystemBrowser, browserCommand, type OpenBrowser } from "./browser.ts";
export {
  STATE_FILE,
  usageDayKey,
  emptyStatus,
  createStateFileStatusSource,
  resetStatusInStateFile,
  forgetInStateFile,
  accountStateOf,
  type AccountStatus,
  type AccountStatusSource,
} from "./status-source.ts";

// ---- conductor exports (owned by the conductor helper; added here on request) ----
// (conductor.ts / usage*.ts / account-state*.ts exports go below this line)
export {
  createConductor,
  type Conductor,
  type ConductorOptions,
  type ConductorAccount,
  type ConductorAccountSource,
  type ConductorAccountView,
  type ConductorChange,
  type ConductorChangeType,
  type FailureOutcome,
  type PickOptions,
} from "./conductor.ts";
export { DEFAULT_BACKOFF_POLICY, classifyFailure, backoffMs, type BackoffPolicy, type FailureClass } from "./backoff-policy.ts";
export { MINUTES_SHOWN, type UsageRecord } from "./usage-meter.ts";
export { STATE_VERSION } from "./conductor-state.ts";
export { createAccountPool, type AccountPoolOptions } from "./account-pool.ts";
