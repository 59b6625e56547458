// RelayError → OpenAI's error shape `{error:{message, type, param, code}}`. The SDK picks
// its exception class from the HTTP status; `type` follows the names OpenAI-compatible
// servers use per status, and `code` says what happened in a word a client can switch on.
import type { RelayError } from "../../base/errors.ts";
import { retryHeaders } from "../retry-headers.ts";
import type { ErrorFormat } from "../writer-tail.ts";

export interface OpenAiErrorBody {
  error: { message: string; type: string; param: string | null; code: string };
}

export function openAiErrorType(status: number): string {
  switch (status) {
    case 400:
    case 413:
    case 422:
      return "invalid_request_error";
    case 401:
      return "authentication_error";
    case 403:
      return "permission_error";
    case 404:
      return "not_found_error";
    case 429:
      return "rate_limit_error";
    case 503:
      return "service_unavailable_error";
    case 504:
      return "timeout_error";
    default:
      return status >= 400 && status < 500 ? "invalid_request_error" : "server_error";
  }
}

const CODES: ReadonlyMap<string, string> = new Map([
  ["invalid_request", "invalid_request"],
  ["authentication", "invalid_api_key"],
  ["permission", "permission_denied"],
  ["not_found", "not_found"],
  ["too_large", "request_too_large"],
  ["rate_limited", "rate_limit_exceeded"],
  ["upstream_auth", "upstream_unauthenticated"],
  ["upstream_forbidden", "upstream_permission_denied"],
  ["upstream_unavailable", "upstream_unavailable"],
  ["upstream_internal", "upstream_internal_error"],
  ["upstream_error", "upstream_error"],
  ["upstream_timeout", "upstream_timeout"],
  ["no_accounts", "no_accounts"],
]);

export function openAiErrorBody(err: RelayError): OpenAiErrorBody {
  return {
    error: { message: err.message, type: openAiErrorType(err.status), param: null, code: CODES.get(err.kind) ?? "internal_error" },
  };
}

/** Headers for an error response (the retry hint when the error carries one). */
export function openAiErrorHeaders(err: RelayError): Record<string, string> {
  return retryHeaders(err);
}

/** The format's errors, as the response writers take them. */
export const openAiErrors: ErrorFormat = { body: openAiErrorBody, headers: openAiErrorHeaders };
