// POST /v1/responses body → the relay's neutral ChatRequest plus what the Responses
// writers echo back.
//
// Decisions:
// - `instructions` and developer/system messages form the system prompt.
// - tool_choice: "auto" / "required" / a named function are passed on; "none" declares
//   no tools to Cursor (the model then cannot call one). The checks are gateway/tool-choice.ts's,
//   as for the other formats: a named tool that was not declared, "required" with no
//   tools, or an unknown choice type, is a 400.
// - reasoning.summary set (Codex sends "auto") shows Cursor's thinking as reasoning
//   summary items; without it thinking is dropped, as the API does.
// - previous_response_id is returned for the gateway, which knows which conversation
//   that response belonged to.
// - temperature, top_p, text, truncation, user, service_tier, client_metadata and
//   unknown fields are accepted and ignored; `include` values too (there is no
//   encrypted reasoning to include: Cursor keeps its thinking in its own checkpoint).
import type { ChatRequest } from "../../sessions/chat-request.ts";
import { responsesToolChoice } from "../tool-choice.ts";
import {
  at,
  describe,
  expectBody,
  expectNonEmptyString,
  guardParse,
  invalid,
  optionalBoolean,
  optionalObject,
  optionalPositiveInt,
  optionalString,
  own,
  type JsonObject,
} from "../validation.ts";
import { parseInput, type ParsedInput } from "./input-items.ts";
import { responsesSessionId } from "./session-id.ts";
import { parseResponsesTools, cursorToolName, type ClientToolName } from "./tools.ts";

/** Request fields a Response object repeats back to the client. */
export interface ResponsesEcho {
  instructions: string | null;
  maxOutputTokens: number | null;
  parallelToolCalls: boolean;
  previousResponseId: string | null;
  reasoning: { effort: string | null; summary: string | null };
  store: boolean;
  toolChoice: unknown;
  tools: unknown[];
  metadata: Record<string, string>;
  promptCacheKey: string | null;
}

export interface ResponsesRequest {
  chat: ChatRequest;
  echo: ResponsesEcho;
  /** Name declared to Cursor → how the client knows the tool. */
  toolNames: Map<string, ClientToolName>;
}

export function parseResponsesRequest(body: unknown, headers: Record<string, string | undefined>): ResponsesRequest {
  return guardParse(() => parse(body, headers));
}

function parse(body: unknown, headers: Record<string, string | undefined>): ResponsesRequest {
  const req = expectBody(body);
  const model = expectNonEmptyString(own(req, "model"), "model");
  const instructions = optionalString(own(req, "instructions"), "instructions");
  const input: ParsedInput = { system: instructions !== undefined && instructions !== "" ? [instructions] : [], transcript: [], additionalTools: [] };
  parseInput(own(req, "input"), input);
  if (input.transcript.length === 0) throw invalid("input", "must contain at least one user, assistant or tool item");

  const tools = parseResponsesTools(own(req, "tools"), input.additionalTools);
  const toolChoice = responsesToolChoice(own(req, "tool_choice"), tools.tools, cursorToolName);
  const reasoning = optionalObject(own(req, "reasoning"), "reasoning");
  const summary = reasoning === undefined ? undefined : optionalString(own(reasoning, "summary"), "reasoning.summary");
  const effort = reasoning === undefined ? undefined : optionalString(own(reasoning, "effort"), "reasoning.effort");
  const maxOutputTokens = optionalPositiveInt(own(req, "max_output_tokens"), "max_output_tokens");
  const promptCacheKey = optionalString(own(req, "prompt_cache_key"), "prompt_cache_key");
  const previousResponseId = optionalString(own(req, "previous_response_id"), "previous_response_id");
  const rawTools = own(req, "tools");
  const parallelToolCalls = optionalBoolean(own(req, "parallel_tool_calls"), "parallel_tool_calls") ?? true;

  const chat: ChatRequest = {
    api: "responses",
    model,
    stream: optionalBoolean(own(req, "stream"), "stream") ?? false,
    system: input.system.join("\n"),
    transcript: input.transcript,
    tools: tools.tools,
    maxTokens: maxOutputTokens,
    sessionId: responsesSessionId(promptCacheKey, headers),
    showThinking: summary !== undefined && summary !== "none",
    includeUsage: true,
    ...(toolChoice !== undefined ? { toolChoice } : {}),
    ...(parallelToolCalls === false ? { parallelToolCalls } : {}),
  };
  return {
    chat,
    toolNames: tools.byCursorName,
    echo: {
      instructions: instructions ?? null,
      maxOutputTokens: maxOutputTokens ?? null,
      parallelToolCalls,
      previousResponseId: previousResponseId ?? null,
      reasoning: { effort: effort ?? null, summary: summary ?? null },
      store: optionalBoolean(own(req, "store"), "store") ?? true,
      toolChoice: own(req, "tool_choice") ?? "auto",
      tools: Array.isArray(rawTools) ? rawTools : [],
      metadata: parseMetadata(own(req, "metadata")),
      promptCacheKey: promptCacheKey ?? null,
    },
  };
}

/** Up to 16 string pairs, as the API allows; echoed back, never sent upstream. */
function parseMetadata(raw: unknown): Record<string, string> {
  const meta = optionalObject(raw, "metadata");
  if (meta === undefined) return {};
  const entries = Object.entries(meta as JsonObject);
  if (entries.length > 16) throw invalid("metadata", `at most 16 keys, got ${entries.length}`);
  const out: Record<string, string> = {};
  for (const [k, v] of entries) {
    if (typeof v !== "string") throw invalid(at("metadata", k), `expected a string, got ${describe(v)}`);
    if (k.length > 64 || v.length > 512) throw invalid(at("metadata", k), "keys are at most 64 and values at most 512 characters");
    out[k] = v;
  }
  return out;
}
