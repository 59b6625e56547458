// Retry hints for an error response, in both forms the SDKs read: `retry-after-ms`
// (preferred by the Anthropic and OpenAI SDKs) and the standard `retry-after` in whole
// seconds. At least one second, so a 429 can never invite a hot retry loop.
import type { RelayError } from "../core/errors.ts";

export function retryHeaders(err: RelayError): Record<string, string> {
  if (err.retryAfterMs === undefined || !Number.isFinite(err.retryAfterMs)) return {};
  const ms = Math.max(1000, Math.ceil(err.retryAfterMs));
  return { "retry-after": String(Math.ceil(ms / 1000)), "retry-after-ms": String(ms) };
}
