// RelayError → Anthropic's error shape `{type:"error", error:{type, message}}`.
// Types follow https://docs.claude.com/en/api/errors: 400 invalid_request_error (also
// for other 4xx), 401 authentication_error, 402 billing_error, 403 permission_error,
// 404 not_found_error, 413 request_too_large, 429 rate_limit_error, 500 api_error,
// 504 timeout_error, 529 overloaded_error. A 503 from Cursor (unavailable) means the
// same as Anthropic's 529, so it is overloaded_error (Claude Code retries those); 503
// "no accounts configured" is not an overload, so it stays api_error. 502 is api_error.
import type { RelayError } from "../../base/errors.ts";
import { retryHeaders } from "../retry-headers.ts";
import type { ErrorFormat } from "../writer-tail.ts";

export type AnthropicErrorType =
  | "invalid_request_error"
  | "authentication_error"
  | "billing_error"
  | "permission_error"
  | "not_found_error"
  | "request_too_large"
  | "rate_limit_error"
  | "api_error"
  | "timeout_error"
  | "overloaded_error";

export interface AnthropicErrorBody {
  type: "error";
  error: { type: AnthropicErrorType; message: string };
}

export function anthropicErrorType(err: RelayError): AnthropicErrorType {
  switch (err.status) {
    case 400:
      return "invalid_request_error";
    case 401:
      return "authentication_error";
    case 402:
      return "billing_error";
    case 403:
      return "permission_error";
    case 404:
      return "not_found_error";
    case 413:
      return "request_too_large";
    case 429:
      return "rate_limit_error";
    case 503:
      return err.kind === "no_accounts" ? "api_error" : "overloaded_error";
    case 504:
      return "timeout_error";
    case 529:
      return "overloaded_error";
    default:
      return err.status >= 400 && err.status < 500 ? "invalid_request_error" : "api_error";
  }
}

export function anthropicErrorBody(err: RelayError): AnthropicErrorBody {
  return { type: "error", error: { type: anthropicErrorType(err), message: err.message } };
}

/** Headers for an error response (the retry hint when the error carries one). */
export function anthropicErrorHeaders(err: RelayError): Record<string, string> {
  return retryHeaders(err);
}

/** The format's errors, as the response writers take them. */
export const anthropicErrors: ErrorFormat = { body: anthropicErrorBody, headers: anthropicErrorHeaders };
