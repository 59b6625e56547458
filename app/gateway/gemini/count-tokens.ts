// POST …:countTokens: validated like a generateContent body (bare, or wrapped in
// `generateContentRequest`), answered locally with the estimate the writers report.
import { estimateInputTokens } from "../tokens-estimate.ts";
import { parseGeminiRequest } from "./parse-request.ts";

export function geminiCountTokens(body: unknown, model: string): { totalTokens: number } {
  return { totalTokens: estimateInputTokens(parseGeminiRequest(body, { model, stream: false }).chat) };
}
