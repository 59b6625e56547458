// The HTTP front door as a function of (request, response): routes, client auth, body
// limits, and the one place that turns errors into the client's own error format.
// It knows the client APIs; the session layer behind it does not.
import type { IncomingMessage, ServerResponse } from "node:http";
import { RelayError, toRelayError } from "../base/errors.ts";
import type { Logger } from "../base/log.ts";
import type { CursorModel } from "../cursor/types.ts";
import type { ChatRequest, ClientApi } from "../sessions/chat-request.ts";
import type { SessionManager } from "../sessions/session-manager.ts";
import type { TurnSink } from "../sessions/turn-sink.ts";
import { anthropicErrorBody, anthropicErrorHeaders } from "./anthropic/errors.ts";
import { anthropicModelInfo, anthropicModelList } from "./anthropic/models.ts";
import { countTokensResponse } from "./anthropic/count-tokens.ts";
import { parseAnthropicRequest } from "./anthropic/parse-request.ts";
import { createAnthropicStreamSink } from "./anthropic/stream-writer.ts";
import { createAnthropicJsonSink } from "./anthropic/json-writer.ts";
import { openAiErrorBody, openAiErrorHeaders } from "./openai/errors.ts";
import { openAiModel, openAiModelList } from "./openai/models.ts";
import { parseOpenAiRequest } from "./openai/parse-request.ts";
import { createOpenAiStreamSink } from "./openai/stream-writer.ts";
import { createOpenAiJsonSink } from "./openai/json-writer.ts";
import { parseResponsesRequest, type ResponsesRequest } from "./responses/parse-request.ts";
import { createResponsesStreamSink } from "./responses/stream-writer.ts";
import { createResponsesJsonSink } from "./responses/json-writer.ts";
import { newItemId } from "./responses/response-object.ts";
import { createResponseIndex } from "./responses/response-index.ts";
import { decodeBody } from "./http/content-encoding.ts";
import { estimateInputTokens } from "./tokens-estimate.ts";
import { requireGeminiKey } from "./gemini/auth.ts";
import { geminiCountTokens } from "./gemini/count-tokens.ts";
import { geminiErrorBody, geminiErrorHeaders } from "./gemini/errors.ts";
import { createGeminiJsonSink } from "./gemini/json-writer.ts";
import { geminiModel, geminiModelList } from "./gemini/models.ts";
import { parseGeminiRequest } from "./gemini/parse-request.ts";
import { geminiTarget, isGeminiRequest } from "./gemini/route.ts";
import { createGeminiStreamSink } from "./gemini/stream-writer.ts";
import { DEFAULT_COALESCE, type CoalesceOptions } from "./delta-coalescer.ts";
import { requireKey } from "./http/auth.ts";
import { parseJsonBody, readBody } from "./http/body.ts";
import type { ResponseChannel } from "./http/channel.ts";
import { nodeChannel } from "./http/node-channel.ts";
import type { RequestStats } from "./request-stats.ts";

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

type Route = (req: IncomingMessage, res: ServerResponse, channel: ResponseChannel, api: ClientApi) => Promise<void>;

const DEFAULT_BODY_LIMIT = 32 * 1024 * 1024;

/** Which error format a request gets: Anthropic for its routes or when it speaks anthropic-version. */
export function apiOf(path: string, headers: IncomingMessage["headers"]): ClientApi {
  if (path.startsWith("/v1/messages")) return "anthropic";
  if (path.startsWith("/v1/chat/")) return "openai";
  if (path.startsWith("/v1/responses") || path.startsWith("/responses")) return "responses";
  if (isGeminiRequest(path, headers)) return "gemini";
  return headers["anthropic-version"] !== undefined ? "anthropic" : "openai";
}

/** The one place an error becomes a response in the client's format. */
export function renderError(api: ClientApi, err: RelayError, channel: ResponseChannel): void {
  if (channel.started) {
    channel.end();
    return;
  }
  if (api === "anthropic") channel.json(err.status, anthropicErrorBody(err), anthropicErrorHeaders(err));
  else if (api === "gemini") channel.json(err.status, geminiErrorBody(err), geminiErrorHeaders(err));
  else channel.json(err.status, openAiErrorBody(err), openAiErrorHeaders(err));
}

/**
 * What a client may see of an upstream failure. Cursor refusing an account's credentials
 * is not the client's key being wrong: it becomes a 503 that says what to do, so Claude
 * Code does not ask its user for a new API key.
 */
export function clientFacing(err: RelayError): RelayError {
  if (err.kind !== "upstream_auth" && err.kind !== "upstream_forbidden") return err;
  const what = err.kind === "upstream_auth" ? "refused the account's login" : "refused access for the account";
  return new RelayError({
    kind: "upstream_unavailable",
    status: 503,
    message: `Cursor ${what} (${err.message}); add or re-login an account with \`cursor-relay login\` or in the Cursor Relay window`,
    ...(err.upstreamCode !== undefined ? { upstreamCode: err.upstreamCode } : {}),
    cause: err,
  });
}

/** GET /v1/models/{id}: one path segment after the list's path. */
const MODEL_PATH = /^\/v1\/models\/([^/]+)\/?$/;

/** The model id of a /v1/models/{id} path (percent-decoded), or undefined for any other path. */
export function modelIdOfPath(path: string): string | undefined {
  const m = MODEL_PATH.exec(path);
  if (!m) return undefined;
  try {
    return decodeURIComponent(m[1]!);
  } catch {
    return m[1]!; // not valid percent-encoding: looked up as written, so it is a plain 404
  }
}

const notFound = (method: string, path: string) =>
  new RelayError({ kind: "not_found", status: 404, message: `no route for ${method} ${path}` });
const methodNotAllowed = (method: string, path: string, allowed: string) =>
  new RelayError({ kind: "invalid_request", status: 405, message: `${method} is not allowed on ${path}; use ${allowed}` });

/** A Gemini generate call: the model and the kind of response come from the URL. */
interface GeminiTurn {
  model: string;
  stream: boolean;
  /** streamGenerateContent?alt=sse (else a JSON array). */
  sse: boolean;
}

/** The query of a request (`?key=`, `?alt=sse`); an unreadable target has none. */
function queryOf(req: IncomingMessage): URLSearchParams {
  try {
    return new URL(req.url ?? "/", "http://relay.invalid").searchParams;
  } catch {
    return new URLSearchParams();
  }
}

export function createGateway(deps: GatewayDeps): Gateway {
  const bodyLimit = deps.bodyLimitBytes ?? DEFAULT_BODY_LIMIT;
  const maxPerKey = deps.maxConcurrentPerKey ?? 64;
  const activeByKey = new Map<string, number>();
  let active = 0;

  const authorize = (req: IncomingMessage, api?: ClientApi): string => {
    const key =
      api === "gemini" ? requireGeminiKey(req.headers, queryOf(req), deps.relayKey()) : requireKey(req.headers, deps.relayKey());
    if (!deps.proxyEnabled()) {
      throw new RelayError({
        kind: "upstream_unavailable",
        status: 503,
        message: "the relay is switched off: turn the proxy on in Cursor Relay (tray menu or dashboard)",
      });
    }
    return key;
  };

  const responseIndex = createResponseIndex();

  const readJson = async (req: IncomingMessage): Promise<unknown> =>
    parseJsonBody(decodeBody(await readBody(req, bodyLimit), req.headers["content-encoding"], bodyLimit));

  /** Runs one chat turn: parse → the sessions plan and run the turn → the client's writer. */
  async function chat(req: IncomingMessage, res: ServerResponse, channel: ResponseChannel, api: ClientApi, gemini?: GeminiTurn): Promise<void> {
    const key = authorize(req, api);
    const body = await readJson(req);
    const headers = req.headers as Record<string, string | undefined>;
    const responses = api === "responses" ? parseResponsesRequest(body, headers) : undefined;
    const parsedGemini = gemini ? parseGeminiRequest(body, gemini) : undefined;
    const request: ChatRequest =
      responses?.chat ?? parsedGemini?.chat ?? (api === "anthropic" ? parseAnthropicRequest(body, headers) : parseOpenAiRequest(body, headers));
    const running = activeByKey.get(key) ?? 0;
    if (running >= maxPerKey) {
      throw new RelayError({
        kind: "rate_limited",
        status: 429,
        message: `too many concurrent requests for this key (limit ${maxPerKey}); retry when one finishes`,
        retryAfterMs: 1000,
      });
    }
    const previous = responses?.echo.previousResponseId ?? null;
    // Estimated on first use (when usage is written), once the Run request is on its way.
    let estimate: number | undefined;
    const inputTokens = () => (estimate ??= estimateInputTokens(request));
    const input = deps.sessions.planTurn(request, key, {
      continues: previous !== null ? continuedConversation(key, previous) : undefined,
      inputTokens,
    });
    const responseId = responses ? newItemId("resp") : undefined;
    if (responseId !== undefined && responses?.echo.store !== false) responseIndex.remember(key, responseId, input.conversationId);
    const writer = responses
      ? makeResponsesSink(responses, responseId!, channel, inputTokens)
      : gemini && parsedGemini
        ? geminiSink(gemini, parsedGemini.jsonOutput, request, channel, inputTokens)
        : makeSink(api, request, channel, inputTokens);
    const sink: TurnSink = {
      get contentStarted() {
        return writer.contentStarted;
      },
      handle: (ev) => writer.handle(ev),
      end: (reason) => writer.end(reason),
      fail: (err) => writer.fail(clientFacing(err)),
      ping: () => writer.ping(),
      whenWritable: () => channel.whenWritable?.(),
    };
    // A client that disconnects before its response finished frees the upstream stream.
    const abort = new AbortController();
    const onClose = () => {
      if (!res.writableFinished) abort.abort();
    };
    res.on("close", onClose);
    activeByKey.set(key, running + 1);
    active++;
    try {
      await deps.sessions.runTurn(input, sink, abort.signal);
    } catch (e) {
      const err = toRelayError(e);
      deps.stats.error(err.status);
      sink.fail(err);
    } finally {
      active--;
      const n = (activeByKey.get(key) ?? 1) - 1;
      if (n <= 0) activeByKey.delete(key);
      else activeByKey.set(key, n);
      res.off("close", onClose);
      channel.end();
    }
  }

  function makeSink(api: ClientApi, request: ChatRequest, channel: ResponseChannel, inputTokens: () => number): TurnSink {
    const common = { model: request.model, inputTokens, showThinking: request.showThinking };
    // Streams batch bursts of small deltas: fewer events and socket writes (docs/protocol.md §10).
    const coalesce = deps.coalesce ?? DEFAULT_COALESCE;
    if (api === "anthropic") {
      return request.stream ? createAnthropicStreamSink(channel, { ...common, coalesce }) : createAnthropicJsonSink(channel, common);
    }
    const openai = { ...common, includeUsage: request.includeUsage };
    return request.stream ? createOpenAiStreamSink(channel, { ...openai, coalesce }) : createOpenAiJsonSink(channel, openai);
  }

  /** The conversation a stored response belonged to; an unknown id is the client's mistake. */
  function continuedConversation(key: string, responseId: string): string {
    const id = responseIndex.conversationOf(key, responseId);
    if (id !== undefined) return id;
    throw new RelayError({
      kind: "invalid_request",
      status: 400,
      message: `previous_response_id: no response ${JSON.stringify(responseId.slice(0, 80))} is known to this relay (responses are kept in memory while it runs, and only with store: true); send the whole conversation in input instead`,
    });
  }

  function makeResponsesSink(responses: ResponsesRequest, responseId: string, channel: ResponseChannel, inputTokens: () => number): TurnSink {
    const options = {
      model: responses.chat.model,
      inputTokens,
      showThinking: responses.chat.showThinking,
      messageId: responseId,
      echo: responses.echo,
      toolNames: responses.toolNames,
    };
    return responses.chat.stream
      ? createResponsesStreamSink(channel, { ...options, coalesce: deps.coalesce ?? DEFAULT_COALESCE })
      : createResponsesJsonSink(channel, options);
  }

  function geminiSink(turn: GeminiTurn, jsonOutput: boolean, request: ChatRequest, channel: ResponseChannel, inputTokens: () => number): TurnSink {
    const common = { model: request.model, inputTokens, showThinking: request.showThinking, jsonOutput };
    if (turn.stream && turn.sse) return createGeminiStreamSink(channel, { ...common, coalesce: deps.coalesce ?? DEFAULT_COALESCE });
    return createGeminiJsonSink(channel, { ...common, asArray: turn.stream });
  }

  /** Every /v1beta/ path: models, one model, or a generate/count call on a model. */
  async function geminiRoute(req: IncomingMessage, res: ServerResponse, channel: ResponseChannel, method: string, path: string): Promise<void> {
    const target = geminiTarget(path);
    const allowed = target.kind === "method" ? "POST" : "GET";
    if (method !== allowed) throw methodNotAllowed(method, path.slice(0, 200), allowed);
    if (target.kind === "method" && target.method !== "countTokens") {
      const stream = target.method === "streamGenerateContent";
      await chat(req, res, channel, "gemini", { model: target.model, stream, sse: stream && queryOf(req).get("alt") === "sse" });
      return;
    }
    authorize(req, "gemini");
    if (target.kind === "method") {
      channel.json(200, geminiCountTokens(await readJson(req), target.model));
      return;
    }
    const models = await deps.listModels();
    if (target.kind === "list") {
      channel.json(200, geminiModelList(models));
      return;
    }
    const name = target.model.replace(/^models\//, "");
    const found = models.find((m) => m.id === name);
    // A Gemini name (gemini-2.5-pro) is served by whatever Cursor model it maps to.
    if (!found && !/^gemini-/i.test(name)) throw new RelayError({ kind: "not_found", status: 404, message: `no model ${JSON.stringify(name.slice(0, 100))}` });
    channel.json(200, geminiModel(found ?? { id: name, displayName: name, supportsThinking: true, aliases: [] }));
  }

  const routes: Record<string, Record<string, Route>> = {
    "/": {
      GET: async (_req, _res, channel) => channel.json(200, { name: "cursor-relay", ok: true }),
      HEAD: async (_req, res) => {
        res.writeHead(200, { "content-type": "application/json; charset=utf-8" });
        res.end();
      },
    },
    "/v1/messages": { POST: chat },
    "/v1/chat/completions": { POST: chat },
    "/v1/responses": { POST: chat },
    "/responses": { POST: chat },
    "/v1/messages/count_tokens": {
      POST: async (req, _res, channel) => {
        authorize(req);
        channel.json(200, countTokensResponse(await readJson(req)));
      },
    },
    "/v1/models": {
      GET: async (req, _res, channel, api) => {
        authorize(req);
        const models = await deps.listModels();
        channel.json(200, api === "anthropic" ? anthropicModelList(models) : openAiModelList(models));
      },
    },
  };

  const modelRoute = (id: string): Record<string, Route> => ({
    GET: async (req, _res, channel, api) => {
      authorize(req);
      const model = (await deps.listModels()).find((m) => m.id === id);
      if (!model) throw new RelayError({ kind: "not_found", status: 404, message: `model not found: ${id.slice(0, 200)} (GET /v1/models lists the models)` });
      channel.json(200, api === "anthropic" ? anthropicModelInfo(model) : openAiModel(model));
    },
  });

  return {
    get activeTurns() {
      return active;
    },
    async handle(req, res) {
      const method = req.method ?? "GET";
      let path = "/";
      try {
        path = new URL(req.url ?? "/", "http://relay.invalid").pathname;
      } catch {
        // a malformed target falls through to 404 below
      }
      const api = apiOf(path, req.headers);
      const channel = nodeChannel(res);
      deps.logger.debug("request", { method, path });
      try {
        if (deps.management && (path.startsWith("/v0/management/") || path === "/ui" || path.startsWith("/ui/"))) {
          if (await deps.management(req, res)) return;
        }
        if (api === "gemini") {
          deps.stats.request();
          await geminiRoute(req, res, channel, method, path);
          return;
        }
        const modelId = modelIdOfPath(path);
        const route = modelId !== undefined ? modelRoute(modelId) : routes[path.length > 1 ? path.replace(/\/+$/, "") : path];
        if (!route) throw notFound(method, path);
        const handler = route[method];
        if (!handler) throw methodNotAllowed(method, path, Object.keys(route).join(", "));
        if (path !== "/") deps.stats.request();
        await handler(req, res, channel, api);
      } catch (e) {
        const err = toRelayError(e);
        if (err.status >= 500) deps.logger.warn("request failed", { method, path, status: err.status, error: err.message });
        deps.stats.error(err.status);
        renderError(api, err, channel);
      }
    },
  };
}
