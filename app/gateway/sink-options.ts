// What a response writer needs to know about the turn it renders.
import type { Clock } from "../base/clock.ts";
import type { CoalesceOptions } from "./delta-coalescer.ts";

export interface ResponseSinkOptions {
  /** The model name as the client sent it (echoed back, never the Cursor id). */
  model: string;
  /**
   * Prompt-token estimate (estimateInputTokens), or a function computing it the first time
   * usage is written — after the Run request is on its way, so a 2 MB conversation's
   * estimate does not delay the upstream turn.
   */
  inputTokens: number | (() => number);
  /** Render thinking (Anthropic thinking blocks / OpenAI reasoning_content); dropped when false. */
  showThinking: boolean;
  /** Response id; a random `msg_…` / `chatcmpl-…` when absent. */
  messageId?: string;
  /** For `created` timestamps (OpenAI) and the coalescing timer. Defaults to the system clock. */
  clock?: Clock;
  /** OpenAI streaming: stream_options.include_usage (a final usage chunk). */
  includeUsage?: boolean;
  /** Streaming: batch bursts of small text/thinking deltas (delta-coalescer.ts); off when absent. */
  coalesce?: CoalesceOptions | false;
}

/** The prompt-token estimate of a sink's options. */
export const inputTokensOf = (options: Pick<ResponseSinkOptions, "inputTokens">): number =>
  typeof options.inputTokens === "function" ? options.inputTokens() : options.inputTokens;
