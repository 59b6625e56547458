// Retry hints for an error response, in both forms the SDKs read: `retry-after-ms`
// (preferred by the Anthropic and OpenAI SDKs) and the standard `retry-after` in whole
// seconds. At least one second, so a 429 can never invite a hot retry loop. An error
// retrying cannot help also says `x-should-retry: false`, which the Anthropic and OpenAI
// SDKs and Claude Code obey before any status-based retry rule.
import type { RelayError } from "../base/errors.ts";

export function retryHeaders(err: RelayError): Record<string, string> {
  const noRetry: Record<string, string> = err.retryable === false ? { "x-should-retry": "false" } : {};
  if (err.retryAfterMs === undefined || !Number.isFinite(err.retryAfterMs)) return noRetry;
  const ms = Math.max(1000, Math.ceil(err.retryAfterMs));
  return { "retry-after": String(Math.ceil(ms / 1000)), "retry-after-ms": String(ms), ...noRetry };
}
