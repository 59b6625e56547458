// The relay's socket and what goes with it while it listens: the management API and
// dashboard handler, the secret entries another process reads (the running relay key, the
// management key) and `<dataDir>/relay.json` saying where it listens.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { SecretStore } from "../accounts/secret-store.ts";
import type { ControlApi } from "../base/control-api.ts";
import { listen, type Listener } from "../gateway/listen.ts";
import { createManagementHandler, type ManagementHandler } from "../gateway/management/index.ts";
import { DEFAULT_HOST, DEFAULT_PORT, type RelayContext } from "./relay-app-options.ts";
import type { RelayKeyHolder } from "./relay-key.ts";
import { clearRuntimeInfo, MANAGEMENT_KEY_ENTRY, writeRuntimeInfo } from "../base/runtime-file.ts";

export interface RelayListening {
  readonly url: string | null;
  readonly port: number | null;
  readonly startedAt: number | null;
  /** The management API for the gateway (false: not listening yet, not handled). */
  management(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
  /** Listens, then publishes where and with which keys (unless the options say not to). */
  start(handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>, control: ControlApi): Promise<void>;
  closeEventStreams(): void;
  /** Stops listening and takes back what start() published. */
  stop(): Promise<void>;
}

export function createRelayListening(ctx: RelayContext, secrets: SecretStore, relayKey: RelayKeyHolder): RelayListening {
  const { options, clock, logger, managementKey } = ctx;
  const publishes = options.runtimeFile !== false;
  let listener: Listener | null = null;
  let startedAt: number | null = null;
  let management: ManagementHandler | null = null;

  async function publish(at: Listener, since: number) {
    if (relayKey.entry === "relay-key-running") await secrets.setRelayKey(relayKey.current(), relayKey.entry);
    // How `cursor-relay accounts` authenticates to this relay: the management key, kept
    // in the secret store (never in a plain file) while the relay runs.
    await secrets.setRelayKey(managementKey, MANAGEMENT_KEY_ENTRY);
    writeRuntimeInfo(options.dataDir, { pid: process.pid, url: at.url, port: at.port, startedAt: since, keyEntry: relayKey.entry });
  }

  async function unpublish() {
    clearRuntimeInfo(options.dataDir, process.pid);
    if (relayKey.entry === "relay-key-running") await secrets.deleteRelayKey(relayKey.entry).catch(() => undefined);
    await secrets.deleteRelayKey(MANAGEMENT_KEY_ENTRY).catch(() => undefined);
  }

  return {
    get url() {
      return listener?.url ?? null;
    },
    get port() {
      return listener?.port ?? null;
    },
    get startedAt() {
      return startedAt;
    },
    management: (req, res) => (management ? management(req, res) : Promise.resolve(false)),
    async start(handle, control) {
      management = createManagementHandler({ control, managementKey, uiDir: options.uiDir ?? null, logger: logger.child("management") });
      listener = await listen(handle, { host: options.host ?? DEFAULT_HOST, port: options.port ?? DEFAULT_PORT, ...options.listen });
      startedAt = clock.now();
      if (publishes) await publish(listener, startedAt);
    },
    closeEventStreams() {
      management?.closeEventStreams();
    },
    async stop() {
      if (listener) {
        await listener.close(500);
        if (publishes) await unpublish();
      }
      listener = null;
    },
  };
}
