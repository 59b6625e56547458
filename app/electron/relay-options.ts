// The tray app's relay options from its environment: the same variables `cursor-relay
// serve` reads (data folder, Cursor URL, secret store, port, relay key, log level), so
// `npm start` behaves alike whether it opens the tray app or falls back to `serve`.
import { resolveGlobalOptions, type GlobalOptions } from "../cli/options.ts";
import { RelayError } from "../core/errors.ts";
import { DEFAULT_PORT } from "../core/relay-app.ts";

export interface ElectronRelayOptions extends GlobalOptions {
  port: number;
  apiKey?: string;
  logLevel: "debug" | "info";
}

const bad = (message: string) => new RelayError({ kind: "config", status: 2, message });

export function electronRelayOptions(env: NodeJS.ProcessEnv): ElectronRelayOptions {
  const global = resolveGlobalOptions({}, env);
  const portText = env.CURSOR_RELAY_PORT || String(DEFAULT_PORT);
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) throw bad(`CURSOR_RELAY_PORT: not a port number: ${JSON.stringify(portText)}`);
  const apiKey = env.CURSOR_RELAY_API_KEY || undefined;
  if (apiKey !== undefined && apiKey.length < 8) throw bad("CURSOR_RELAY_API_KEY: use at least 8 characters");
  return {
    ...global,
    port: Number(portText),
    ...(apiKey ? { apiKey } : {}),
    logLevel: env.CURSOR_RELAY_LOG_LEVEL === "debug" ? "debug" : "info",
  };
}
