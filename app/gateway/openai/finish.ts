// Stop reasons and usage in OpenAI terms.
import type { StopReason } from "../../sessions/turn-sink.ts";

export type FinishReason = "stop" | "tool_calls" | "length";

export function finishReason(reason: StopReason): FinishReason {
  switch (reason) {
    case "end_turn":
      return "stop";
    case "tool_use":
      return "tool_calls";
    case "max_tokens":
      return "length";
  }
}

export interface OpenAiUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export const openAiUsage = (prompt: number, completion: number): OpenAiUsage => ({
  prompt_tokens: prompt,
  completion_tokens: completion,
  total_tokens: prompt + completion,
});
