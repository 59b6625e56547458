// The Response object and its output items, shared by the streaming and the JSON writer.
import { randomBytes } from "node:crypto";
import type { ToolCallRequest } from "../../cursor/types.ts";
import type { StopReason } from "../../sessions/turn-sink.ts";
import { toClientToolId } from "../../sessions/tool-ids.ts";
import type { ResponseSinkOptions } from "../sink-options.ts";
import { toolArguments } from "../tool-arguments.ts";
import type { ResponsesEcho } from "./parse-request.ts";
import type { ClientToolName } from "./tools.ts";

export const newItemId = (prefix: "resp" | "msg" | "rs" | "fc" | "ctc"): string => `${prefix}_relay${randomBytes(12).toString("hex")}`;

export interface ResponsesSinkOptions extends ResponseSinkOptions {
  echo: ResponsesEcho;
  /** Name declared to Cursor → how the client knows the tool. */
  toolNames: ReadonlyMap<string, ClientToolName>;
}

export interface ResponsesUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

/** Cursor reports neither cache hits nor a reasoning share, so both details are 0. */
export const responsesUsage = (input: number, output: number): ResponsesUsage => ({
  input_tokens: input,
  input_tokens_details: { cached_tokens: 0 },
  output_tokens: output,
  output_tokens_details: { reasoning_tokens: 0 },
  total_tokens: input + output,
});

export type OutputItem = Record<string, unknown> & { type: string; id: string };
export type ResponseStatus = "in_progress" | "completed" | "incomplete" | "failed";

export const messageItem = (id: string, text: string, status: "in_progress" | "completed"): OutputItem => ({
  type: "message",
  id,
  status,
  role: "assistant",
  content: status === "in_progress" ? [] : [{ type: "output_text", text, annotations: [], logprobs: [] }],
});

export const reasoningItem = (id: string, summary: string | null): OutputItem => ({
  type: "reasoning",
  id,
  summary: summary === null ? [] : [{ type: "summary_text", text: summary }],
});

/** A Cursor tool call as the client's item: function_call (with namespace) or custom_tool_call. */
/** The completed item (its in-progress announcement is derived from it by the stream writer). */
export function toolCallItem(call: ToolCallRequest, names: ReadonlyMap<string, ClientToolName>): OutputItem {
  const known = names.get(call.name);
  const args = toolArguments(call.argsJson);
  const callId = toClientToolId(call.toolCallId);
  if (known?.custom) {
    const input = typeof args.value.input === "string" ? args.value.input : "";
    return { type: "custom_tool_call", id: newItemId("ctc"), call_id: callId, name: known.name, input, status: "completed" };
  }
  return {
    type: "function_call",
    id: newItemId("fc"),
    call_id: callId,
    name: known?.name ?? call.name,
    ...(known?.namespace !== undefined ? { namespace: known.namespace } : {}),
    arguments: args.json,
    status: "completed",
  };
}

/** The arguments text of a finished tool-call item (custom calls carry `input`). */
export const toolCallText = (item: OutputItem): string => String(item.type === "custom_tool_call" ? item.input : item.arguments);

export interface ResponseState {
  id: string;
  createdAt: number;
  status: ResponseStatus;
  output: OutputItem[];
  usage: ResponsesUsage | null;
  error?: { code: string; message: string } | null;
}

export function responseObject(options: ResponsesSinkOptions, state: ResponseState): Record<string, unknown> {
  const e = options.echo;
  return {
    id: state.id,
    object: "response",
    created_at: state.createdAt,
    status: state.status,
    background: false,
    error: state.error ?? null,
    // Only the output limit ends a turn as incomplete (finalStatus).
    incomplete_details: state.status === "incomplete" ? { reason: "max_output_tokens" } : null,
    instructions: e.instructions,
    max_output_tokens: e.maxOutputTokens,
    model: options.model,
    output: state.output,
    parallel_tool_calls: e.parallelToolCalls,
    previous_response_id: e.previousResponseId,
    prompt_cache_key: e.promptCacheKey,
    reasoning: e.reasoning,
    store: e.store,
    temperature: null,
    text: { format: { type: "text" } },
    tool_choice: e.toolChoice,
    tools: e.tools,
    top_p: null,
    truncation: "disabled",
    usage: state.usage,
    metadata: e.metadata,
  };
}

/** completed, or incomplete when the output limit cut the turn. */
export const finalStatus = (reason: StopReason): ResponseStatus => (reason === "max_tokens" ? "incomplete" : "completed");
