// The two small HTTP/1.1 calls of the login/refresh flow (plain fetch, not the
// Connect transport): shared timeout handling and error text that can never carry a token.
import type { Clock } from "../base/clock.ts";
import { RelayError } from "../base/errors.ts";
import { createRedactor } from "../base/log.ts";

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

/** Cuts an upstream body down to something safe and short enough for an error message. */
export function safeBody(body: string): string {
  const oneLine = body.replace(/\s+/g, " ").trim();
  const cut = oneLine.length > 300 ? oneLine.slice(0, 300) + "…" : oneLine;
  return createRedactor().redact(cut);
}

/** fetch with a per-request timeout driven by the injected clock, also aborted by `signal`. */
export async function fetchWithTimeout(
  fetchImpl: FetchLike,
  clock: Clock,
  url: string,
  init: RequestInit,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<{ response: Response; body: string }> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = clock.setTimeout(() => {
    timedOut = true;
    controller.abort(new Error(`no answer within ${timeoutMs} ms`));
  }, timeoutMs);
  const onAbort = () => controller.abort(signal?.reason);
  signal?.addEventListener("abort", onAbort, { once: true });
  try {
    const response = await fetchImpl(url, { ...init, signal: controller.signal });
    const body = await response.text();
    return { response, body };
  } catch (e) {
    if (timedOut) throw new Error(`no answer within ${timeoutMs} ms`, { cause: e });
    throw e;
  } finally {
    timer.cancel();
    signal?.removeEventListener("abort", onAbort);
  }
}

export function errorText(e: unknown): string {
  if (e instanceof Error) {
    const cause = e.cause instanceof Error ? `: ${e.cause.message}` : "";
    return `${e.message}${cause}`;
  }
  return String(e);
}

export interface CursorPost {
  fetch: FetchLike;
  clock: Clock;
  url: string;
  headers: Record<string, string>;
  timeoutMs: number;
  signal?: AbortSignal;
}

/**
 * POSTs `{}` and returns the answer parsed as JSON. Every failure is a RelayError whose
 * message starts with `what`: unreachable → 503, 401/403 → upstream_auth, other → 502.
 */
export async function postJsonToCursor(what: string, post: CursorPost, where = ""): Promise<unknown> {
  let result;
  try {
    result = await fetchWithTimeout(post.fetch, post.clock, post.url, { method: "POST", headers: post.headers, body: "{}" }, post.timeoutMs, post.signal);
  } catch (e) {
    throw new RelayError({ kind: "upstream_unavailable", status: 503, message: `${what}: could not reach Cursor${where} (${errorText(e)})`, cause: e });
  }
  const { response, body } = result;
  if (!response.ok) {
    const rejected = response.status === 401 || response.status === 403;
    throw new RelayError({
      kind: rejected ? "upstream_auth" : "upstream_error",
      status: rejected ? 401 : 502,
      message: `${what} (status ${response.status}): ${safeBody(body)}`,
    });
  }
  try {
    return JSON.parse(body) as unknown;
  } catch {
    throw new RelayError({ kind: "upstream_error", status: 502, message: `${what}: Cursor answered with something that is not JSON` });
  }
}
