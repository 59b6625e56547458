// Stop reasons and usage in Gemini terms. Tool calls end with STOP, as Gemini's do.
import type { StopReason } from "../../sessions/turn-sink.ts";

export const geminiFinishReason = (reason: StopReason): "STOP" | "MAX_TOKENS" => (reason === "max_tokens" ? "MAX_TOKENS" : "STOP");

export interface GeminiUsage {
  promptTokenCount: number;
  candidatesTokenCount: number;
  totalTokenCount: number;
}

export const geminiUsage = (prompt: number, output: number): GeminiUsage => ({
  promptTokenCount: prompt,
  candidatesTokenCount: output,
  totalTokenCount: prompt + output,
});
