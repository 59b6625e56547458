// The tray app's relay options from its environment: the same variables `cursor-relay
// serve` reads (data folder, Cursor URL, secret store, port, relay key, log level), so
// `npm start` behaves alike whether it opens the tray app or falls back to `serve`.
import { RelayError } from "../base/errors.ts";
import { DEFAULT_PORT } from "../relay/relay-app.ts";
import { readApiKey, readPort, readRelayConfig, type RelayConfig } from "../relay/relay-config.ts";

export interface ElectronRelayOptions extends RelayConfig {
  port: number;
  apiKey?: string;
  logLevel: "debug" | "info";
}

const bad = (message: string) => new RelayError({ kind: "config", status: 2, message });

export function electronRelayOptions(env: NodeJS.ProcessEnv): ElectronRelayOptions {
  const global = readRelayConfig({}, env, bad);
  const portText = readPort(env.CURSOR_RELAY_PORT || String(DEFAULT_PORT), (message) => bad(`CURSOR_RELAY_PORT: ${message}`));
  const apiKey = readApiKey(env.CURSOR_RELAY_API_KEY || undefined, (message) => bad(`CURSOR_RELAY_API_KEY: ${message}`));
  return {
    ...global,
    port: Number(portText),
    ...(apiKey ? { apiKey } : {}),
    logLevel: env.CURSOR_RELAY_LOG_LEVEL === "debug" ? "debug" : "info",
  };
}
