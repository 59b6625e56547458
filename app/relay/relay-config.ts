// The relay's own settings from flags or the environment, read the same way by both faces
// (`cursor-relay serve` and the tray app): data folder, Cursor URL, secret store, port, relay key.
// Each bad value is reported through `fail`, so every face words its error its own way.
import { defaultDataDir } from "../base/paths.ts";
import { DEFAULT_CURSOR_API } from "../base/cursor-api.ts";
import type { SecretStoreKind } from "../accounts/secret-store-open.ts";

export type { SecretStoreKind };

export interface RelayConfig {
  dataDir: string;
  cursorApi: string;
  secretStore: SecretStoreKind;
}

export type ConfigFailure = (message: string) => Error;

export function readRelayConfig(
  values: Record<string, string | boolean | undefined>,
  env: NodeJS.ProcessEnv,
  fail: ConfigFailure,
): RelayConfig {
  const str = (flag: string, envName: string): string | undefined => {
    const v = values[flag];
    if (typeof v === "string") return v;
    const e = env[envName];
    return e === undefined || e === "" ? undefined : e;
  };
  const dataDir = str("data-dir", "CURSOR_RELAY_DATA_DIR") ?? defaultDataDir(env);
  const cursorApi = (str("cursor-api", "CURSOR_RELAY_CURSOR_API") ?? DEFAULT_CURSOR_API).replace(/\/+$/, "");
  let url: URL;
  try {
    url = new URL(cursorApi);
  } catch {
    throw fail(`--cursor-api: not a URL: ${JSON.stringify(cursorApi)}`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw fail(`--cursor-api: must be an http(s) URL, got ${url.protocol}`);
  }
  const store = str("secret-store", "CURSOR_RELAY_SECRET_STORE") ?? "keychain";
  if (store !== "keychain" && store !== "file") {
    throw fail(`--secret-store: must be "keychain" or "file", got ${JSON.stringify(store)}`);
  }
  return { dataDir, cursorApi, secretStore: store };
}

/** A port number as written, checked. */
export function readPort(text: string, fail: ConfigFailure): string {
  if (!/^\d{1,5}$/.test(text) || Number(text) > 65535) throw fail(`not a port number: ${JSON.stringify(text)}`);
  return text;
}

/** A relay key given by hand (--api-key or CURSOR_RELAY_API_KEY), checked; undefined when none is given. */
export function readApiKey(text: string | undefined, fail: ConfigFailure): string | undefined {
  if (text !== undefined && text.length < 8) throw fail("use at least 8 characters");
  return text;
}
