// The one thing a response writer needs from a client connection. The Anthropic and
// OpenAI writers render into it; the HTTP server adapts a ServerResponse to it, and
// tests use an in-memory one. Writes after the client went away are dropped.
export interface ResponseChannel {
  /** True once a status line went out (JSON or SSE). */
  readonly started: boolean;
  /** True when the client disconnected or the response ended. */
  readonly closed: boolean;
  /** Sends a complete JSON response (ignored when a response already started). */
  json(status: number, body: unknown, headers?: Record<string, string>): void;
  /** Sends one SSE event; the first call starts a 200 `text/event-stream` response. */
  sse(event: string | null, data: string): void;
  /** Ends the response (SSE or not). Idempotent. */
  end(): void;
  /**
   * Backpressure: undefined while the client keeps up, else a promise that resolves once
   * what was written has drained to the client (or the client went away).
   */
  whenWritable?(): Promise<void> | undefined;
}
