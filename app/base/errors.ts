// One error type for every boundary: a machine-readable kind, the HTTP status it maps
// to, a message a user can act on, and (for upstream failures) the Cursor code and a
// retry hint. Gateways turn it into the client's own error format.

export type RelayErrorKind =
  | "invalid_request" // client sent something malformed (400)
  | "authentication" // missing/wrong relay key (401)
  | "permission" // 403
  | "not_found" // 404
  | "too_large" // 413
  | "rate_limited" // 429 (all accounts cooling, or upstream quota)
  | "upstream_auth" // Cursor said unauthenticated (401)
  | "upstream_forbidden" // Cursor said permission_denied (403)
  | "upstream_unavailable" // 503
  | "upstream_internal" // 500 from Cursor
  | "upstream_error" // other Connect codes, resets, GOAWAY (502)
  | "upstream_timeout" // stall: no frames within the stall timeout (504)
  | "no_accounts" // no usable account configured (503)
  | "config" // bad configuration / CLI usage
  | "keychain" // OS keychain unavailable or failing
  | "internal"; // a bug in the relay (500)

export interface RelayErrorInit {
  kind: RelayErrorKind;
  status: number;
  message: string;
  /** Connect code from Cursor, e.g. "resource_exhausted". */
  upstreamCode?: string;
  /** Milliseconds the caller should wait before retrying, when known. */
  retryAfterMs?: number;
  /** false: retrying the same request cannot help (clients get `x-should-retry: false`). */
  retryable?: boolean;
  cause?: unknown;
}

export class RelayError extends Error {
  override readonly name = "RelayError";
  readonly kind: RelayErrorKind;
  readonly status: number;
  readonly upstreamCode: string | undefined;
  readonly retryAfterMs: number | undefined;
  readonly retryable: boolean | undefined;

  constructor(init: RelayErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.kind = init.kind;
    this.status = init.status;
    this.upstreamCode = init.upstreamCode;
    this.retryAfterMs = init.retryAfterMs;
    this.retryable = init.retryable;
  }

  /** True for failures that say something about the account (cool it down / fail over). */
  get isUpstream(): boolean {
    return this.kind.startsWith("upstream_") || (this.kind === "rate_limited" && this.upstreamCode !== undefined);
  }
}

export function isRelayError(e: unknown): e is RelayError {
  return e instanceof RelayError;
}

/** Wraps anything thrown into a RelayError without losing the original. */
export function toRelayError(e: unknown): RelayError {
  if (e instanceof RelayError) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new RelayError({ kind: "internal", status: 500, message, cause: e });
}
