// One chat turn, in one direction: parse the client's request → the sessions plan the
// turn → a writer in the client's format → the sessions run it. Errors before the first
// byte propagate (the gateway renders them); errors during the run go to the writer.
import type { IncomingMessage, ServerResponse } from "node:http";
import { RelayError, toRelayError } from "../base/errors.ts";
import type { ChatRequest, ClientApi } from "../sessions/chat-request.ts";
import type { SessionManager } from "../sessions/session-manager.ts";
import type { TurnInput } from "../sessions/turn-input.ts";
import type { TurnSink } from "../sessions/turn-sink.ts";
import { parseAnthropicRequest } from "./anthropic/parse-request.ts";
import { clientFacing } from "./client-facing.ts";
import { parseGeminiRequest } from "./gemini/parse-request.ts";
import type { GeminiTurn } from "./gemini/route.ts";
import type { ResponseChannel } from "./http/channel.ts";
import type { KeyConcurrency } from "./key-concurrency.ts";
import { parseOpenAiRequest } from "./openai/parse-request.ts";
import type { RequestContext } from "./request-context.ts";
import type { RequestStats } from "./request-stats.ts";
import { parseResponsesRequest } from "./responses/parse-request.ts";
import { newItemId } from "./responses/response-object.ts";
import { createResponseIndex } from "./responses/response-index.ts";
import { estimateInputTokens } from "./tokens-estimate.ts";
import type { SinkFactory, SinkFormat } from "./turn-sinks.ts";

export type ChatTurn = (req: IncomingMessage, res: ServerResponse, channel: ResponseChannel, api: ClientApi, gemini?: GeminiTurn) => Promise<void>;

export interface ChatTurnDeps {
  context: RequestContext;
  sessions: SessionManager;
  concurrency: KeyConcurrency;
  makeSink: SinkFactory;
  stats: RequestStats;
}

interface ParsedTurn {
  request: ChatRequest;
  format: SinkFormat;
  /** Responses API: the stored response this turn continues, or null. */
  previousResponseId: string | null;
  /** Responses API: false when the client asked not to store the response. */
  store: boolean;
}

function parseTurn(body: unknown, req: IncomingMessage, api: ClientApi, gemini: GeminiTurn | undefined): ParsedTurn {
  const headers = req.headers as Record<string, string | undefined>;
  const plain = { previousResponseId: null, store: true };
  if (api === "responses") {
    const responses = parseResponsesRequest(body, headers);
    const format: SinkFormat = { api, responses, responseId: newItemId("resp") };
    return { request: responses.chat, format, previousResponseId: responses.echo.previousResponseId ?? null, store: responses.echo.store !== false };
  }
  if (gemini) {
    const parsed = parseGeminiRequest(body, gemini.call);
    return { request: parsed.chat, format: { api: "gemini", sse: gemini.sse, jsonOutput: parsed.jsonOutput }, ...plain };
  }
  if (api === "anthropic") return { request: parseAnthropicRequest(body, headers), format: { api }, ...plain };
  return { request: parseOpenAiRequest(body, headers), format: { api: "openai" }, ...plain };
}

/** Adapts a client writer to the sessions: upstream credential failures are shown as the relay's, and backpressure is the socket's. */
function turnSink(writer: TurnSink, channel: ResponseChannel): TurnSink {
  return {
    get contentStarted() {
      return writer.contentStarted;
    },
    handle: (ev) => writer.handle(ev),
    end: (reason) => writer.end(reason),
    fail: (err) => writer.fail(clientFacing(err)),
    ping: () => writer.ping(),
    whenWritable: () => channel.whenWritable?.(),
  };
}

export function createChatTurn(deps: ChatTurnDeps): ChatTurn {
  const responseIndex = createResponseIndex();

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

  return async (req, res, channel, api, gemini) => {
    const key = deps.context.authorize(req, api);
    const { request, format, previousResponseId, store } = parseTurn(await deps.context.readJson(req), req, api, gemini);
    const release = deps.concurrency.acquire(key);
    try {
      // Estimated on first use (when usage is written), once the Run request is on its way.
      let estimate: number | undefined;
      const inputTokens = () => (estimate ??= estimateInputTokens(request));
      const input = deps.sessions.planTurn(request, key, {
        continues: previousResponseId !== null ? continuedConversation(key, previousResponseId) : undefined,
        inputTokens,
      });
      if (format.api === "responses" && store) responseIndex.remember(key, format.responseId, input.conversationId);
      const sink = turnSink(deps.makeSink(format, request, channel, inputTokens), channel);
      await runWithClient(deps, input, sink, res, channel);
    } finally {
      release();
    }
  };
}

/** Runs the planned turn; a client that disconnects before its response finished frees the upstream stream. */
async function runWithClient(deps: ChatTurnDeps, input: TurnInput, sink: TurnSink, res: ServerResponse, channel: ResponseChannel): Promise<void> {
  const abort = new AbortController();
  const onClose = () => {
    if (!res.writableFinished) abort.abort();
  };
  res.on("close", onClose);
  try {
    await deps.sessions.runTurn(input, sink, abort.signal);
  } catch (e) {
    const err = toRelayError(e);
    deps.stats.error(err.status);
    sink.fail(err);
  } finally {
    res.off("close", onClose);
    channel.end();
  }
}
