// Token refresh (docs/protocol.md §2.4; the path observed working in production):
// POST <api>/auth/exchange_user_api_key with the refresh token as Bearer, body {}.
// A missing/empty refreshToken in the answer means "keep the old one".
import type { Clock } from "../base/clock.ts";
import { RelayError } from "../base/errors.ts";
import type { Secrets } from "./secret-store.ts";
import { errorText, fetchWithTimeout, safeBody, type FetchLike } from "./cursor-http.ts";

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
  let result;
  try {
    result = await fetchWithTimeout(
      options.fetch ?? fetch,
      options.clock,
      url,
      { method: "POST", headers: { authorization: `Bearer ${options.refreshToken}`, "content-type": "application/json" }, body: "{}" },
      timeoutMs,
      options.signal,
    );
  } catch (e) {
    throw new RelayError({
      kind: "upstream_unavailable",
      status: 503,
      message: `token refresh failed: could not reach Cursor at ${url} (${errorText(e)})`,
      cause: e,
    });
  }
  const { response, body } = result;
  if (!response.ok) {
    const rejected = response.status === 401 || response.status === 403;
    throw new RelayError({
      kind: rejected ? "upstream_auth" : "upstream_error",
      status: rejected ? 401 : 502,
      message: `token refresh failed (status ${response.status}): ${safeBody(body)}`,
    });
  }
  let parsed: { accessToken?: unknown; refreshToken?: unknown };
  try {
    parsed = JSON.parse(body) as typeof parsed;
  } catch {
    throw new RelayError({ kind: "upstream_error", status: 502, message: "token refresh failed: Cursor answered with something that is not JSON" });
  }
  if (typeof parsed.accessToken !== "string" || parsed.accessToken === "") {
    throw new RelayError({ kind: "upstream_error", status: 502, message: "token refresh failed: Cursor's answer has no accessToken" });
  }
  const next = typeof parsed.refreshToken === "string" && parsed.refreshToken !== "" ? parsed.refreshToken : options.refreshToken;
  return { accessToken: parsed.accessToken, refreshToken: next };
}
