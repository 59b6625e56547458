// The HTTP front door as a function of (request, response): it wires the client routes
// (chat turns, models, Gemini) and the management face, and is the one place that turns
// errors into the client's own error format. It knows the client APIs; the session layer
// behind it does not.
import type { IncomingMessage, ServerResponse } from "node:http";
import { RelayError, toRelayError } from "../base/errors.ts";
import type { Logger } from "../base/log.ts";
import type { CursorModel } from "../cursor/types.ts";
import type { ClientApi } from "../sessions/chat-request.ts";
import type { SessionManager } from "../sessions/session-manager.ts";
import { anthropicErrors } from "./anthropic/errors.ts";
import { createChatTurn } from "./chat-turn.ts";
import { apiOf } from "./client-api.ts";
import { createClientDispatch } from "./client-routes.ts";
import type { CoalesceOptions } from "./delta-coalescer.ts";
import { geminiErrors } from "./gemini/errors.ts";
import { createGeminiRoutes } from "./gemini/routes.ts";
import type { ResponseChannel } from "./http/channel.ts";
import { nodeChannel } from "./http/node-channel.ts";
import { MethodNotAllowed } from "../base/router.ts";
import { createKeyConcurrency } from "./key-concurrency.ts";
import { createModelRoutes } from "./model-routes.ts";
import { openAiErrors } from "./openai/errors.ts";
import { createRequestContext, urlOf } from "./request-context.ts";
import type { RequestStats } from "./request-stats.ts";
import { createSinkFactory } from "./turn-sinks.ts";
import type { ErrorFormat } from "./writer-tail.ts";
import { MANAGEMENT_PREFIX } from "../base/control-http.ts";

export { apiOf } from "./client-api.ts";
export { clientFacing } from "./client-facing.ts";

export interface GatewayDeps {
  sessions: SessionManager;
  /** The relay key clients must present (it may be regenerated while running). */
  relayKey(): string;
  /** False while the user has switched the proxy off: client routes answer 503. */
  proxyEnabled(): boolean;
  listModels(): Promise<CursorModel[]>;
  stats: RequestStats;
  logger: Logger;
  /** Request bodies above this are refused with 413 (default 32 MiB). */
  bodyLimitBytes?: number;
  /** Concurrent turns one client key may run at once (default 64). */
  maxConcurrentPerKey?: number;
  /** Batching of small streamed deltas (default DEFAULT_COALESCE; false = one event per upstream delta). */
  coalesce?: CoalesceOptions | false;
  /** Management API and dashboard; returns true when it handled the request. */
  management?: (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;
}

export interface Gateway {
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** Turns running right now (all keys). */
  readonly activeTurns: number;
}

const DEFAULT_BODY_LIMIT = 32 * 1024 * 1024;
const DEFAULT_MAX_PER_KEY = 64;

/** Each client API's error body and headers (the Responses API answers errors as OpenAI does). */
const ERROR_FORMATS: Record<ClientApi, ErrorFormat> = { anthropic: anthropicErrors, openai: openAiErrors, responses: openAiErrors, gemini: geminiErrors };

/** The one place an error becomes a response in the client's format. */

export function renderError(api: ClientApi, err: RelayError, channel: ResponseChannel): void {
  if (channel.started) {
    channel.end();
    return;
  }
  const allow = err instanceof MethodNotAllowed ? err.headers : {};
  const format = ERROR_FORMATS[api];
  channel.json(err.status, format.body(err), { ...format.headers(err), ...allow });
}

const isManagementPath = (path: string) => path.startsWith(MANAGEMENT_PREFIX) || path === "/ui" || path.startsWith("/ui/");

export function createGateway(deps: GatewayDeps): Gateway {
  const context = createRequestContext({
    relayKey: deps.relayKey,
    proxyEnabled: deps.proxyEnabled,
    bodyLimitBytes: deps.bodyLimitBytes ?? DEFAULT_BODY_LIMIT,
  });
  const concurrency = createKeyConcurrency(deps.maxConcurrentPerKey ?? DEFAULT_MAX_PER_KEY);
  const chat = createChatTurn({ context, sessions: deps.sessions, concurrency, makeSink: createSinkFactory(deps.coalesce), stats: deps.stats });
  const dispatch = createClientDispatch({
    context,
    chat,
    models: createModelRoutes(context, deps.listModels),
    gemini: createGeminiRoutes({ context, chat, listModels: deps.listModels }),
    stats: deps.stats,
  });

  return {
    get activeTurns() {
      return concurrency.active;
    },
    async handle(req, res) {
      const method = req.method ?? "GET";
      const path = urlOf(req).pathname;
      const api = apiOf(path, req.headers);
      const channel = nodeChannel(res);
      deps.logger.debug("request", { method, path });
      try {
        if (deps.management && isManagementPath(path) && (await deps.management(req, res))) return;
        await dispatch(req, res, channel, api, method, path);
      } catch (e) {
        const err = toRelayError(e);
        if (err.status >= 500) deps.logger.warn("request failed", { method, path, status: err.status, error: err.message });
        deps.stats.error(err.status);
        renderError(api, err, channel);
      }
    },
  };
}
