// What a face (`cursor-relay serve`, the Electron main) passes to createRelayApp, and the
// few things every part of the relay shares: the clock, the logger, where warnings go and
// this run's management key.
import { randomBytes } from "node:crypto";
import type { OpenBrowser } from "../accounts/browser.ts";
import type { RotationOptions } from "../accounts/account-rotation.ts";
import type { FetchLike } from "../accounts/cursor-http.ts";
import type { KeytarLike } from "../accounts/secret-store-keytar.ts";
import type { SecretStoreKind } from "../accounts/secret-store-open.ts";
import type { SettingsStore } from "../accounts/settings-store.ts";
import { systemClock, type Clock } from "../base/clock.ts";
import { createLogger, type Logger } from "../base/log.ts";
import type { RoutingPolicyName } from "../base/quota.ts";
import type { CursorClientOptions } from "../cursor/client.ts";
import type { ListenOptions } from "../gateway/listen.ts";
import type { SessionManagerOptions } from "../sessions/session-manager.ts";

export const DEFAULT_PORT = 8742;
export const DEFAULT_HOST = "127.0.0.1";

export interface RelayAppOptions {
  dataDir: string;
  cursorApi: string;
  secretStore: SecretStoreKind;
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
  rotation?: Pick<RotationOptions, "backoff" | "persistDebounceMs">;
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

/** What every part of one relay shares. */
export interface RelayContext {
  options: RelayAppOptions;
  clock: Clock;
  logger: Logger;
  warn: (message: string) => void;
  managementKey: string;
}

export function relayContext(options: RelayAppOptions): RelayContext {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger();
  const warn = options.warn ?? ((m: string) => logger.warn(m));
  const managementKey = options.managementKey ?? randomBytes(24).toString("base64url");
  logger.addSecret(managementKey);
  if (options.apiKey) logger.addSecret(options.apiKey);
  return { options, clock, logger, warn, managementKey };
}

/** `fetch` only when the options give one (the parts default to the global fetch). */
export const fetchOption = (options: RelayAppOptions): { fetch?: FetchLike } => (options.fetch ? { fetch: options.fetch } : {});
