// POST /v1/messages/count_tokens: validated exactly like a Messages request (model and
// messages required; max_tokens and stream are optional there), answered locally with
// the same estimate the writers report as input_tokens.
import { estimateInputTokens } from "../tokens-estimate.ts";
import { parseAnthropicRequest } from "./parse-request.ts";

export interface CountTokensResponse {
  input_tokens: number;
}

export function countTokensResponse(body: unknown, headers: Record<string, string | undefined> = {}): CountTokensResponse {
  return { input_tokens: estimateInputTokens(parseAnthropicRequest(body, headers, { requireMaxTokens: false })) };
}
