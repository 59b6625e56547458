// POST …:countTokens: validated like a generateContent body (bare, or wrapped in
// `generateContentRequest`), answered locally with the estimate the writers report.
import { estimateInputTokens } from "../tokens-estimate.ts";
import { parseGeminiRequest } from "./parse-request.ts";
import type { GeminiCall } from "./route.ts";

export function geminiCountTokens(body: unknown, call: Pick<GeminiCall, "model" | "method">): { totalTokens: number } {
  return { totalTokens: estimateInputTokens(parseGeminiRequest(body, call).chat) };
}
