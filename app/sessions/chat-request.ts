// A client request in the relay's neutral, OpenAI-shaped form. Both front doors
// (Anthropic Messages, OpenAI Chat Completions) parse into it; the session layer
// builds Cursor turns from it and never sees a client API.
import type { ImageInput, ToolDefinition } from "../cursor/types.ts";
import type { ToolChoice } from "./tool-choice.ts";
export type { ToolChoice } from "./tool-choice.ts";

export interface TranscriptToolCall {
  /** The id the client knows the call by (e.g. `cursor_call_…` or `toolu_…`). */
  id: string;
  name: string;
  /** Arguments as a JSON object string. */
  argumentsJson: string;
}

export type TranscriptEntry =
  | { role: "user"; text: string; images: ImageInput[] }
  | { role: "assistant"; text: string; toolCalls: TranscriptToolCall[] }
  | { role: "tool"; toolCallId: string; content: string; isError: boolean };

export type ClientApi = "anthropic" | "openai" | "responses" | "gemini";


export interface ChatRequest {
  api: ClientApi;
  /** The model name as the client sent it (echoed back in responses). */
  model: string;
  stream: boolean;
  /** Every system text (the `system` parameter and system-role messages), joined with "\n". */
  system: string;
  /** user / assistant / tool entries in the client's order (system entries removed). */
  transcript: TranscriptEntry[];
  tools: ToolDefinition[];
  /** The client's output limit, when it gave one. */
  maxTokens: number | undefined;
  /** Claude Code's session id (metadata.user_id JSON, legacy `_session_<uuid>`, or x-claude-code-session-id). */
  sessionId: string | null;
  /** Anthropic: thinking was asked for (enabled / adaptive), so thinking blocks are shown. OpenAI: always true (reasoning_content). */
  showThinking: boolean;
  /** OpenAI stream_options.include_usage. */
  includeUsage: boolean;
  /** What the model may do with the tools this turn (default auto). */
  toolChoice?: ToolChoice;
  /** false: at most one tool call per response (Anthropic disable_parallel_tool_use, OpenAI parallel_tool_calls). Default true. */
  parallelToolCalls?: boolean;
}
