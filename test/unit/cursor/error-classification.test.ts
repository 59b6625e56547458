// One test per row of the docs/protocol.md §3.3 classification table (plus the relay's own rows:
// stall → 504, non-200 status, retry hints).
import { test } from "node:test";
import assert from "node:assert/strict";
import { create, toBinary } from "@bufbuild/protobuf";
import { DurationSchema } from "@bufbuild/protobuf/wkt";
import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import { Code, ConnectError } from "@connectrpc/connect";
import { RelayError } from "../../../app/base/errors.ts";
import { classifyCursorError, connectCodeName, parseRetryAfter, stallError } from "../../../app/cursor/error-classification.ts";

function check(e: unknown, status: number, kind: string, upstreamCode: string | undefined) {
  const r = classifyCursorError(e, 0);
  assert.ok(r instanceof RelayError);
  assert.equal(r.status, status);
  assert.equal(r.kind, kind);
  assert.equal(r.upstreamCode, upstreamCode);
  assert.ok(r.isUpstream, "an upstream failure cools the account down");
  return r;
}

test("connect code names match the wire spelling", () => {
  assert.equal(connectCodeName(Code.ResourceExhausted), "resource_exhausted");
  assert.equal(connectCodeName(Code.PermissionDenied), "permission_denied");
  assert.equal(connectCodeName(Code.Unauthenticated), "unauthenticated");
});

test("resource_exhausted → 429 rate_limited, message kept", () => {
  const r = check(new ConnectError("quota", Code.ResourceExhausted), 429, "rate_limited", "resource_exhausted");
  assert.match(r.message, /quota/);
  assert.match(r.message, /resource_exhausted/);
});

test("unauthenticated → 401 upstream_auth", () => {
  check(new ConnectError("bad token", Code.Unauthenticated), 401, "upstream_auth", "unauthenticated");
});

test("permission_denied → 403 upstream_forbidden", () => {
  check(new ConnectError("no", Code.PermissionDenied), 403, "upstream_forbidden", "permission_denied");
});

test("unavailable → 503 upstream_unavailable", () => {
  check(new ConnectError("down", Code.Unavailable), 503, "upstream_unavailable", "unavailable");
});

test("internal → 500 upstream_internal", () => {
  const r = check(new ConnectError("boom", Code.Internal), 500, "upstream_internal", "internal");
  assert.match(r.message, /boom/);
});

test("any other Connect code → 502 upstream_error", () => {
  for (const code of [Code.Unknown, Code.FailedPrecondition, Code.NotFound, Code.Aborted, Code.DeadlineExceeded]) {
    check(new ConnectError("x", code), 502, "upstream_error", connectCodeName(code));
  }
});

test("non-Connect text with rate limit / quota / too many → 429", () => {
  for (const text of ["Rate limit exceeded", "monthly QUOTA used up", "Too Many Requests"]) {
    check(new Error(text), 429, "rate_limited", "unknown");
  }
});

test("HTTP/2 stream reset (RST_STREAM) → 502 even though connect-node calls it internal", () => {
  // what connect-node produces for RST_STREAM INTERNAL_ERROR
  check(new ConnectError("http/2 stream closed with error code INTERNAL_ERROR (0x2)", Code.Internal), 502, "upstream_error", "internal");
  check(new Error("h2: RST_STREAM code=2"), 502, "upstream_error", "unknown");
  const nodeErr = Object.assign(new Error("Stream closed with error code NGHTTP2_REFUSED_STREAM"), { code: "ERR_HTTP2_STREAM_ERROR" });
  check(ConnectError.from(nodeErr, Code.Internal), 502, "upstream_error", "internal");
});

test("GOAWAY → 502", () => {
  check(new Error("h2: GOAWAY code=0"), 502, "upstream_error", "unknown");
  const nodeErr = Object.assign(new Error("New streams cannot be created after receiving a GOAWAY"), { code: "ERR_HTTP2_GOAWAY_SESSION" });
  check(new ConnectError("session closed", Code.Unavailable, undefined, undefined, nodeErr), 502, "upstream_error", "unavailable");
});

test("a stream that ended without Connect's end-stream → 502", () => {
  check(new ConnectError("protocol error: missing EndStreamResponse", Code.InvalidArgument), 502, "upstream_error", "invalid_argument");
});

test("what Connect raises itself while reading a corrupt response → 502 malformed_response, never Cursor's internal error or quota", () => {
  for (const [message, code] of [
    ["parse binary: cant skip wire type 4", Code.Internal],
    ["protocol error: incomplete envelope", Code.InvalidArgument],
    ["message size 4294967280 is larger than configured readMaxBytes 67108864", Code.ResourceExhausted],
    ["message size is larger than configured readMaxBytes 67108864", Code.ResourceExhausted],
    ["received compressed envelope, but do not know how to decompress", Code.Internal],
    ["invalid end stream", Code.Unknown],
  ] as const) {
    const r = check(new ConnectError(message, code), 502, "upstream_error", "malformed_response");
    assert.match(r.message, /^Cursor sent a response the relay cannot read/);
  }
  // The same code with Cursor's own message keeps its row.
  check(new ConnectError("boom", Code.Internal), 500, "upstream_internal", "internal");
  check(new ConnectError("quota", Code.ResourceExhausted), 429, "rate_limited", "resource_exhausted");
});

test("anything else → 502 upstream_error with the original message", () => {
  const r = check(new Error("tls handshake failed"), 502, "upstream_error", "unknown");
  assert.match(r.message, /tls handshake failed/);
  assert.ok(r.cause instanceof Error);
});

test("stall → 504 upstream_timeout", () => {
  const r = stallError(90_000);
  assert.equal(r.status, 504);
  assert.equal(r.kind, "upstream_timeout");
  assert.match(r.message, /90 s/);
  assert.equal(classifyCursorError(r), r, "RelayErrors pass through");
});

test("a non-200 HTTP status is classified by the status, never a success", () => {
  check(new ConnectError("HTTP 429", Code.Unavailable), 429, "rate_limited", "http_429");
  check(new ConnectError("HTTP 401", Code.Unauthenticated), 401, "upstream_auth", "http_401");
  check(new ConnectError("HTTP 403", Code.PermissionDenied), 403, "upstream_forbidden", "http_403");
  check(new ConnectError("HTTP 503", Code.Unavailable), 503, "upstream_unavailable", "http_503");
  check(new ConnectError("HTTP 502", Code.Unavailable), 502, "upstream_error", "http_502");
  check(new ConnectError("HTTP 404", Code.Unimplemented), 502, "upstream_error", "http_404");
});

test("retry hints: Retry-After seconds/date header, retry-after-ms, google.rpc.RetryInfo detail", () => {
  assert.equal(classifyCursorError(new ConnectError("q", Code.ResourceExhausted, { "retry-after": "30" })).retryAfterMs, 30_000);
  assert.equal(
    classifyCursorError(new ConnectError("HTTP 429", Code.Unavailable, { "retry-after": new Date(60_000).toUTCString() }), 0).retryAfterMs,
    60_000,
  );
  assert.equal(classifyCursorError(new ConnectError("q", Code.ResourceExhausted, { "retry-after-ms": "1500" })).retryAfterMs, 1500);
  const retryInfo = new BinaryWriter()
    .tag(1, WireType.LengthDelimited)
    .bytes(toBinary(DurationSchema, create(DurationSchema, { seconds: 12n, nanos: 500_000_000 })))
    .finish();
  const withDetail = new ConnectError("q", Code.ResourceExhausted);
  withDetail.details.push({ type: "google.rpc.RetryInfo", value: retryInfo });
  assert.equal(classifyCursorError(withDetail).retryAfterMs, 12_500);
  assert.equal(classifyCursorError(new ConnectError("q", Code.ResourceExhausted)).retryAfterMs, undefined);
  assert.equal(parseRetryAfter("nonsense"), undefined);
});

test("failures the request caused are the request's error (413/400), never an account's: no cooldown, no failover", () => {
  const requestCaused = (e: unknown, status: number, kind: string, upstreamCode: string) => {
    const r = classifyCursorError(e, 0);
    assert.equal(r.status, status);
    assert.equal(r.kind, kind);
    assert.equal(r.upstreamCode, upstreamCode);
    assert.equal(r.isUpstream, false, "not about the account");
    return r;
  };
  // Node reports an ENHANCE_YOUR_CALM reset either way, depending on which event comes first.
  const nodeErr = Object.assign(new Error("Stream closed with error code NGHTTP2_ENHANCE_YOUR_CALM"), { code: "ERR_HTTP2_STREAM_ERROR" });
  requestCaused(ConnectError.from(nodeErr, Code.Internal), 413, "too_large", "internal");
  requestCaused(new ConnectError("http/2 stream closed with error code ENHANCE_YOUR_CALM (0xb)", Code.ResourceExhausted), 413, "too_large", "resource_exhausted");
  requestCaused(new ConnectError("grpc: received message larger than max (9000000 vs. 4194304)", Code.ResourceExhausted), 413, "too_large", "resource_exhausted");
  requestCaused(new ConnectError("HTTP 413", Code.Unknown), 413, "too_large", "http_413");
  const invalid = requestCaused(new ConnectError("model id is empty", Code.InvalidArgument), 400, "invalid_request", "invalid_argument");
  assert.match(invalid.message, /model id is empty/);
  requestCaused(new ConnectError("HTTP 400", Code.Unknown), 400, "invalid_request", "http_400");
  // Connect's own read errors keep their rows; so does a connection-wide ENHANCE_YOUR_CALM (too many pings).
  check(new ConnectError("protocol error: incomplete envelope", Code.InvalidArgument), 502, "upstream_error", "malformed_response");
  check(
    new ConnectError("http/2 connection closed with error code ENHANCE_YOUR_CALM (0xb), too_many_pings, doubled the interval", Code.ResourceExhausted),
    429,
    "rate_limited",
    "resource_exhausted",
  );
});
