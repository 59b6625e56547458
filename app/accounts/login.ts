// Browser login (docs/protocol.md §2.1–2.2): PKCE, the login URL, then polling
// `<api>/auth/poll` until the user has logged in, on the cadence of docs/protocol.md §2.2, through the
// injected clock. Success stores the account in the registry; any failure (timeout,
// rejection, network, cancel) leaves nothing behind because nothing is written
// before the tokens have arrived and the registry's write undoes itself on failure.
import { randomBytes } from "node:crypto";
import type { Clock } from "../base/clock.ts";
import { RelayError } from "../base/errors.ts";
import type { AccountInfo, AccountRegistry } from "./registry.ts";
import type { Secrets } from "./secret-store.ts";
import { createPkce, loginUrl, type Pkce } from "./pkce.ts";
import { errorText, fetchWithTimeout, safeBody, type FetchLike } from "./cursor-http.ts";
import type { OpenBrowser } from "./browser.ts";
import { normalizeLabel } from "./identity.ts";

export interface PollPolicy {
  /** Wait before the first poll. */
  firstDelayMs: number;
  /** The wait grows by this factor after each pending answer or network error… */
  factor: number;
  /** …up to this cap. */
  maxDelayMs: number;
  maxPolls: number;
  requestTimeoutMs: number;
  /** Consecutive network errors tolerated; this many in a row fails the login. */
  maxNetworkErrors: number;
}

export const DEFAULT_POLL_POLICY: PollPolicy = {
  firstDelayMs: 1_000,
  factor: 1.2,
  maxDelayMs: 10_000,
  maxPolls: 150,
  requestTimeoutMs: 10_000,
  maxNetworkErrors: 10,
};

export interface StartLoginOptions {
  cursorApi: string;
  label: string | null;
  clock: Clock;
  registry: AccountRegistry;
  fetch?: FetchLike;
  /** Opens the URL in a browser; omitted with --no-browser. Failure is only reported through `warn`. */
  openBrowser?: OpenBrowser;
  warn?: (message: string) => void;
  signal?: AbortSignal;
  poll?: Partial<PollPolicy>;
  /** Test hook for deterministic PKCE material. */
  pkce?: Pkce;
}

export interface LoginHandle {
  url: string;
  /** An opaque id for this login attempt (for the control API). */
  handle: string;
  done: Promise<AccountInfo>;
  cancel(): void;
}

export const LOGIN_CANCELLED = "login cancelled";

export function isLoginCancelled(e: unknown): boolean {
  return e instanceof RelayError && e.status === 499;
}

const cancelled = () => new RelayError({ kind: "invalid_request", status: 499, message: LOGIN_CANCELLED });

function sleep(clock: Clock, ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(cancelled());
    const onAbort = () => {
      timer.cancel();
      reject(cancelled());
    };
    const timer = clock.setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** Polls until Cursor hands out the token pair. Exported for tests of the cadence. */
export async function pollForTokens(options: {
  cursorApi: string;
  pkce: Pick<Pkce, "uuid" | "verifier">;
  clock: Clock;
  fetch: FetchLike;
  signal: AbortSignal;
  policy: PollPolicy;
}): Promise<Secrets> {
  const { clock, policy, signal } = options;
  const api = options.cursorApi.replace(/\/+$/, "");
  const q = new URLSearchParams({ uuid: options.pkce.uuid, verifier: options.pkce.verifier });
  const url = `${api}/auth/poll?${q.toString()}`;
  // Nothing derived from the verifier may reach a message.
  const scrub = (text: string) => text.split(options.pkce.verifier).join("[verifier]");
  let delay = policy.firstDelayMs;
  let networkErrors = 0;
  for (let poll = 1; poll <= policy.maxPolls; poll++) {
    await sleep(clock, delay, signal);
    let result;
    try {
      result = await fetchWithTimeout(options.fetch, clock, url, { method: "GET", headers: { "content-type": "application/json" } }, policy.requestTimeoutMs, signal);
    } catch (e) {
      if (signal.aborted) throw cancelled();
      networkErrors++;
      if (networkErrors >= policy.maxNetworkErrors) {
        throw new RelayError({
          kind: "upstream_unavailable",
          status: 503,
          message: `Cursor login failed: could not reach Cursor at ${api} (${networkErrors} network errors in a row; last: ${scrub(errorText(e))})`,
          cause: e,
        });
      }
      delay = Math.min(delay * policy.factor, policy.maxDelayMs);
      continue;
    }
    const { response, body } = result;
    if (response.status === 404) {
      networkErrors = 0;
      delay = Math.min(delay * policy.factor, policy.maxDelayMs);
      continue;
    }
    if (!response.ok) {
      const rejected = response.status === 401 || response.status === 403;
      throw new RelayError({
        kind: rejected ? "upstream_auth" : "upstream_error",
        status: rejected ? 401 : 502,
        message: `Cursor login failed: /auth/poll answered ${response.status}: ${scrub(safeBody(body)) || "(empty body)"}`,
      });
    }
    let parsed: { accessToken?: unknown; refreshToken?: unknown };
    try {
      parsed = JSON.parse(body) as typeof parsed;
    } catch {
      throw new RelayError({ kind: "upstream_error", status: 502, message: "Cursor login failed: /auth/poll answered with something that is not JSON" });
    }
    if (typeof parsed.accessToken !== "string" || parsed.accessToken === "" || typeof parsed.refreshToken !== "string" || parsed.refreshToken === "") {
      throw new RelayError({ kind: "upstream_error", status: 502, message: "Cursor login failed: /auth/poll answered without an accessToken and refreshToken" });
    }
    return { accessToken: parsed.accessToken, refreshToken: parsed.refreshToken };
  }
  throw new RelayError({
    kind: "upstream_timeout",
    status: 504,
    message: `Cursor login timed out: the browser login was not completed after ${policy.maxPolls} checks. Run the login again and finish it in the browser.`,
  });
}

/** Starts a login; returns at once with the URL. `done` resolves with the stored account. */
export function startLogin(options: StartLoginOptions): LoginHandle {
  const label = normalizeLabel(options.label); // a bad label fails before the user opens a browser
  const pkce = options.pkce ?? createPkce();
  const url = loginUrl(options.cursorApi, pkce);
  const controller = new AbortController();
  const outer = options.signal;
  if (outer) {
    if (outer.aborted) controller.abort();
    else outer.addEventListener("abort", () => controller.abort(), { once: true });
  }
  const policy = { ...DEFAULT_POLL_POLICY, ...options.poll };

  if (options.openBrowser) {
    options.openBrowser(url).catch((e: unknown) => {
      options.warn?.(`could not open a browser (${errorText(e)}); open the URL above by hand`);
    });
  }

  const done = (async () => {
    const tokens = await pollForTokens({
      cursorApi: options.cursorApi,
      pkce,
      clock: options.clock,
      fetch: options.fetch ?? fetch,
      signal: controller.signal,
      policy,
    });
    if (controller.signal.aborted) throw cancelled();
    return options.registry.addFromLogin(tokens, label);
  })();
  done.catch(() => undefined); // the caller may never await; the rejection is still delivered to those who do

  return { url, handle: `login-${randomBytes(8).toString("hex")}`, done, cancel: () => controller.abort() };
}
