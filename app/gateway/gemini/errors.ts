// RelayError → Google's error shape `{error:{code, message, status}}`, where `code` is
// the HTTP status and `status` the google.rpc code name the Gemini SDKs and Gemini CLI
// switch on (429 RESOURCE_EXHAUSTED and 503 UNAVAILABLE are retried by the CLI).
import type { RelayError } from "../../base/errors.ts";
import { retryHeaders } from "../retry-headers.ts";
import type { ErrorFormat } from "../writer-tail.ts";

export interface GeminiErrorBody {
  error: { code: number; message: string; status: string };
}

export function geminiErrorStatus(status: number): string {
  switch (status) {
    case 400:
    case 405:
    case 413:
    case 422:
      return "INVALID_ARGUMENT";
    case 401:
      return "UNAUTHENTICATED";
    case 403:
      return "PERMISSION_DENIED";
    case 404:
      return "NOT_FOUND";
    case 409:
      return "ABORTED";
    case 429:
      return "RESOURCE_EXHAUSTED";
    case 501:
      return "UNIMPLEMENTED";
    case 502:
    case 503:
      return "UNAVAILABLE";
    case 504:
      return "DEADLINE_EXCEEDED";
    default:
      return status >= 400 && status < 500 ? "FAILED_PRECONDITION" : "INTERNAL";
  }
}

export function geminiErrorBody(err: RelayError): GeminiErrorBody {
  return { error: { code: err.status, message: err.message, status: geminiErrorStatus(err.status) } };
}

/** The format's errors, as the response writers take them (headers: the retry hint when the error carries one). */
export const geminiErrors: ErrorFormat = { body: geminiErrorBody, headers: retryHeaders };
