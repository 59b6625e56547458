// Token refresh (docs/protocol.md §2.4; the path observed working in production):
// POST <api>/auth/exchange_user_api_key with the refresh token as Bearer, body {}.
// A missing/empty refreshToken in the answer means "keep the old one".
import type { Clock } from "../base/clock.ts";
import { RelayError } from "../base/errors.ts";
import type { Secrets } from "./secret-store.ts";
import { postJsonToCursor, type FetchLike } from "./cursor-http.ts";

export const REFRESH_TIMEOUT_MS = 10_000;

export interface RefreshOptions {
  cursorApi: string;
  refreshToken: string;
  clock: Clock;
  fetch?: FetchLike;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export async function exchangeRefreshToken(options: RefreshOptions): Promise<Secrets> {
  const url = `${options.cursorApi.replace(/\/+$/, "")}/auth/exchange_user_api_key`;
  const timeoutMs = options.timeoutMs ?? REFRESH_TIMEOUT_MS;
  const answer = await postJsonToCursor(
    "token refresh failed",
    {
      fetch: options.fetch ?? fetch,
      clock: options.clock,
      url,
      headers: { authorization: `Bearer ${options.refreshToken}`, "content-type": "application/json" },
      timeoutMs,
      signal: options.signal,
    },
    ` at ${url}`,
  );
  const parsed = (typeof answer === "object" && answer !== null ? answer : {}) as { accessToken?: unknown; refreshToken?: unknown };
  if (typeof parsed.accessToken !== "string" || parsed.accessToken === "") {
    throw new RelayError({ kind: "upstream_error", status: 502, message: "token refresh failed: Cursor's answer has no accessToken" });
  }
  const next = typeof parsed.refreshToken === "string" && parsed.refreshToken !== "" ? parsed.refreshToken : options.refreshToken;
  return { accessToken: parsed.accessToken, refreshToken: next };
}
