// Turns whatever a Run or GetUsableModels failed with into a RelayError (docs/protocol.md §3.3):
// Connect code → HTTP status, HTTP/2 resets and GOAWAY → 502, the stall watchdog → 504,
// quota-ish text → 429. Every upstream error keeps Cursor's code and message, and a
// retry hint when the server gave one (Retry-After header / google.rpc.RetryInfo).
import { fromBinary } from "@bufbuild/protobuf";
import { DurationSchema } from "@bufbuild/protobuf/wkt";
import { BinaryReader, WireType } from "@bufbuild/protobuf/wire";
import { Code, ConnectError } from "@connectrpc/connect";
import { RelayError, type RelayErrorKind } from "../base/errors.ts";
import { noteDrift } from "./drift.ts";

/** Connect's wire names for codes (`resource_exhausted`, …). */
export function connectCodeName(code: Code): string {
  return (Code[code] ?? "unknown").replace(/([a-z])([A-Z])/g, "$1_$2").toLowerCase();
}

interface Row {
  kind: RelayErrorKind;
  status: number;
  what: string;
}

const BY_CODE: Partial<Record<Code, Row>> = {
  [Code.ResourceExhausted]: { kind: "rate_limited", status: 429, what: "Cursor rate limit or quota reached" },
  [Code.Unauthenticated]: { kind: "upstream_auth", status: 401, what: "Cursor rejected the account's token; log in again" },
  [Code.PermissionDenied]: { kind: "upstream_forbidden", status: 403, what: "Cursor denied access for this account" },
  [Code.Unavailable]: { kind: "upstream_unavailable", status: 503, what: "Cursor is unavailable" },
  [Code.Internal]: { kind: "upstream_internal", status: 500, what: "Cursor reported an internal error" },
};
const OTHER: Row = { kind: "upstream_error", status: 502, what: "Cursor request failed" };
const RESET: Row = { kind: "upstream_error", status: 502, what: "Cursor closed the stream" };
const MALFORMED: Row = { kind: "upstream_error", status: 502, what: "Cursor sent a response the relay cannot read" };
const RATE: Row = BY_CODE[Code.ResourceExhausted]!;
// Caused by the request itself, not by the account or Cursor's service: the client gets
// the error, no account cools down and the turn is not moved to another account.
const REQUEST_TOO_LARGE: Row = { kind: "too_large", status: 413, what: "Cursor refused the request as too large; send a shorter conversation" };
const REQUEST_INVALID: Row = { kind: "invalid_request", status: 400, what: "Cursor refused the request as invalid" };

const BY_HTTP_STATUS: Record<number, Row> = {
  429: RATE,
  401: BY_CODE[Code.Unauthenticated]!,
  403: BY_CODE[Code.PermissionDenied]!,
  500: BY_CODE[Code.Internal]!,
  503: BY_CODE[Code.Unavailable]!,
};

/** HTTP/2 stream resets, GOAWAY, and streams that stopped without Connect's end-stream frame. */
const RESET_PATTERN =
  /rst_stream|goaway|http\/2 stream closed|http\/2 connection closed|err_http2_(stream_error|goaway_session|session_error|stream_cancel)|econnreset|socket hang up|missing endstreamresponse/i;
const RATE_PATTERN = /rate limit|quota|too many/i;
/**
 * Errors Connect raises itself while reading the response (a broken envelope, a frame
 * that does not parse, a length over readMaxBytes): not codes Cursor sent. Without this
 * a corrupt frame read as "Cursor reported an internal error" (500) and an oversized one
 * as quota exhaustion (resource_exhausted → 429).
 */
const LOCAL_READ_PATTERN =
  /^(parse binary: |protocol error: |invalid envelope|received compressed envelope|message size (\d+ )?is larger than configured readMaxBytes|invalid end stream|failed to parse EndStreamResponse|unexpected end flag|unsupported content type|unsupported response encoding)/;

/**
 * A stream reset with ENHANCE_YOUR_CALM is how an HTTP/2 server refuses a request that
 * outgrew its memory or flow-control allowance; "message too large" is gRPC's wording for
 * a request over its size limit.
 */
const REQUEST_TOO_LARGE_PATTERN = /stream closed with error code (nghttp2_)?enhance_your_calm|(message|request) (is )?too large|larger than max/i;

/** Failures the request caused (size, malformed input), or undefined when it is about the account or the service. */
function requestCausedRow(e: ConnectError, text: string): Row | undefined {
  if (e.code === Code.InvalidArgument) return REQUEST_INVALID;
  if (REQUEST_TOO_LARGE_PATTERN.test(text)) return REQUEST_TOO_LARGE;
  return undefined;
}

function errorChainText(e: unknown): string {
  const parts: string[] = [];
  const seen = new Set<unknown>();
  for (let cur = e; cur instanceof Error && !seen.has(cur); cur = (cur as { cause?: unknown }).cause) {
    seen.add(cur);
    parts.push(cur.message);
    const code = (cur as { code?: unknown }).code;
    if (typeof code === "string") parts.push(code);
  }
  if (parts.length === 0) parts.push(String(e));
  return parts.join(" | ");
}

/** Retry-After as seconds or an HTTP date. */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value === null || value === undefined || value.trim() === "") return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** google.rpc.RetryInfo{retry_delay(1): Duration} from a Connect error detail. */
function retryInfoDelayMs(value: Uint8Array): number | undefined {
  const reader = new BinaryReader(value);
  while (reader.pos < reader.len) {
    const [no, wt] = reader.tag();
    if (no === 1 && wt === WireType.LengthDelimited) {
      const d = fromBinary(DurationSchema, reader.bytes());
      return Number(d.seconds) * 1000 + Math.round(d.nanos / 1e6);
    }
    reader.skip(wt, no);
  }
  return undefined;
}

function retryAfterOf(e: ConnectError, now: number): number | undefined {
  for (const d of e.details) {
    if ("type" in d && d.type === "google.rpc.RetryInfo") {
      try {
        const ms = retryInfoDelayMs(d.value);
        if (ms !== undefined) return ms;
      } catch {
        // malformed detail: ignore it
      }
    }
  }
  const ms = Number(e.metadata.get("retry-after-ms") ?? NaN);
  if (Number.isFinite(ms) && ms >= 0) return ms;
  return parseRetryAfter(e.metadata.get("retry-after"), now);
}

function make(row: Row, upstreamCode: string, upstreamMessage: string, cause: unknown, retryAfterMs?: number): RelayError {
  return new RelayError({
    kind: row.kind,
    status: row.status,
    message: `${row.what} (${upstreamCode}: ${upstreamMessage})`,
    upstreamCode,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    cause,
  });
}

/** Classifies any failure of a Cursor call. RelayErrors pass through unchanged. */
export function classifyCursorError(e: unknown, now: number = Date.now()): RelayError {
  if (e instanceof RelayError) return e;
  const text = errorChainText(e);
  if (e instanceof ConnectError) {
    const code = connectCodeName(e.code);
    const retry = retryAfterOf(e, now);
    const http = /^HTTP (\d{3})$/.exec(e.rawMessage);
    if (http) {
      // A non-200 answer (no Connect body): classify by the HTTP status itself.
      const status = Number(http[1]);
      if (status === 413) return make(REQUEST_TOO_LARGE, "http_413", "HTTP 413", e, retry);
      if (status === 400) return make(REQUEST_INVALID, "http_400", "HTTP 400", e, retry);
      if (BY_HTTP_STATUS[status] === undefined) noteDrift("unclassified_error", `http_${status}`);
      return make(BY_HTTP_STATUS[status] ?? OTHER, `http_${status}`, `HTTP ${status}`, e, retry);
    }
    // Connect's own read errors carry invalid_argument too: they are never the request's fault.
    const requestCaused = LOCAL_READ_PATTERN.test(e.rawMessage) ? undefined : requestCausedRow(e, text);
    if (requestCaused) return make(requestCaused, code, e.rawMessage, e);
    if (e.code !== Code.ResourceExhausted && RESET_PATTERN.test(text)) return make(RESET, code, e.rawMessage, e, retry);
    if (LOCAL_READ_PATTERN.test(e.rawMessage)) return make(MALFORMED, "malformed_response", e.rawMessage, e);
    if (BY_CODE[e.code] === undefined && e.code !== Code.Canceled) noteDrift("unclassified_error", code);
    return make(BY_CODE[e.code] ?? OTHER, code, e.rawMessage, e, retry);
  }
  const message = e instanceof Error ? e.message : String(e);
  if (RATE_PATTERN.test(text)) return make(RATE, "unknown", message, e);
  if (RESET_PATTERN.test(text)) return make(RESET, "unknown", message, e);
  return make(OTHER, "unknown", message, e);
}

const FRAME_MEMBERS: Record<number, string> = {
  1: "interaction_update",
  2: "exec_server_message",
  4: "kv_server_message",
  5: "exec_server_control_message",
  7: "interaction_query",
};

/** A member of a server frame did not decode (corrupt protobuf, invalid UTF-8 in a string). */
export function undecodableFrameError(field: number, error: unknown): RelayError {
  const why = error instanceof Error ? error.message : String(error);
  return new RelayError({
    kind: "upstream_error",
    status: 502,
    message: `Cursor sent a frame the relay cannot decode (${FRAME_MEMBERS[field] ?? `field ${field}`}: ${why}); the turn was stopped rather than lose part of it`,
    upstreamCode: "malformed_response",
    cause: error,
  });
}

/** The stall watchdog fired: no frame arrived for `ms` (docs/protocol.md §5.6). */
export function stallError(ms: number): RelayError {
  return new RelayError({
    kind: "upstream_timeout",
    status: 504,
    message: `Cursor sent nothing for ${Math.round(ms / 1000)} s (stalled stream)`,
    upstreamCode: "stalled",
  });
}

/** Only heartbeats arrived for `ms`: the server keeps the stream open but does nothing (docs/protocol.md §5.6). */
export function noProgressError(ms: number): RelayError {
  return new RelayError({
    kind: "upstream_timeout",
    status: 504,
    message: `Cursor sent only heartbeats for ${Math.round(ms / 1000)} s (no progress)`,
    upstreamCode: "stalled",
  });
}
