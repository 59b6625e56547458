// From a neutral ChatRequest to what one Cursor turn needs: the newest user text, the
// tool results the client is answering now, and the flattened transcript for a fresh
// account (docs/protocol.md §6.3–§6.4).
import type { ImageInput, ToolDefinition } from "../cursor/types.ts";
import type { ChatRequest, TranscriptEntry } from "./chat-request.ts";
import { flattenTranscript } from "./flatten.ts";
import { planTools, withToolInstruction } from "./tool-choice.ts";

export interface ToolResultInput {
  /** The id the client saw (cursor_call_…). */
  toolCallId: string;
  text: string;
  isError: boolean;
}

export interface TurnInput {
  conversationId: string;
  /** The client's model name: the Cursor client maps it for the account the turn lands on. */
  clientModel: string;
  systemPrompt: string;
  /** The text of the newest message when it is a user message. */
  newestUserText: string | null;
  /** True when there is more history than the newest user message. */
  hasHistory: boolean;
  /** The whole transcript flattened for a fresh account (docs/protocol.md §6.4). */
  flatten(): string;
  /** Tool results after the last assistant message: what the client is answering now. */
  toolResults: ToolResultInput[];
  /** The tools offered upstream this turn (after tool_choice). */
  tools: ToolDefinition[];
  /** Tool names a call may have to reach the client this turn; null = any. Other calls are refused upstream. */
  allowedTools?: ReadonlySet<string> | null;
  /** false: the response ends after the first tool call (the next one comes in the next response). */
  parallelToolCalls?: boolean;
  images: ImageInput[];
  maxTokens?: number | undefined;
  inputTokens: number;
}

export interface TurnInputOptions {
  conversationId: string;
  /** The prompt-token estimate, or a function computing it on first use (off the turn's critical path). */
  inputTokens: number | (() => number);
}

function trailingToolResults(transcript: readonly TranscriptEntry[]): ToolResultInput[] {
  const out: ToolResultInput[] = [];
  let userAfter: string[] = [];
  for (let i = transcript.length - 1; i >= 0; i--) {
    const e = transcript[i]!;
    if (e.role === "assistant") break;
    if (e.role === "tool") out.unshift({ toolCallId: e.toolCallId, text: e.content, isError: e.isError });
    else if (e.text !== "") userAfter = [e.text, ...userAfter];
  }
  // Text the client sent beside its tool results (e.g. a reminder) cannot travel on its
  // own on a resumed stream: it rides along with the last result.
  const last = out[out.length - 1];
  if (last && userAfter.length > 0) last.text += `\n\n${userAfter.join("\n\n")}`;
  return out;
}

export function turnInputFrom(req: ChatRequest, options: TurnInputOptions): TurnInput {
  const t = req.transcript;
  const last = t[t.length - 1];
  const newestUserText = last?.role === "user" ? last.text : null;
  let images: ImageInput[] = [];
  for (let i = t.length - 1; i >= 0; i--) {
    const e = t[i]!;
    if (e.role === "user") {
      images = e.images;
      break;
    }
  }
  let flat: string | undefined;
  const plan = planTools(req.tools, req.toolChoice);
  return {
    conversationId: options.conversationId,
    clientModel: req.model,
    systemPrompt: req.system,
    // The instruction rides on the user text: the system prompt is fixed by a replayed checkpoint.
    newestUserText: newestUserText === null ? null : withToolInstruction(newestUserText, plan.instruction),
    hasHistory: t.length > 1,
    flatten: () => (flat ??= withToolInstruction(flattenTranscript(t), plan.instruction)),
    toolResults: trailingToolResults(t),
    tools: plan.offered,
    allowedTools: plan.allowed,
    parallelToolCalls: req.parallelToolCalls ?? true,
    images,
    maxTokens: req.maxTokens,
    get inputTokens() {
      return typeof options.inputTokens === "function" ? options.inputTokens() : options.inputTokens;
    },
  };
}
