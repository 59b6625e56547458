// What every gateway route needs from the relay: client auth (and the proxy switch), the
// JSON body under the gateway's limit, and the query of a request.
import type { IncomingMessage } from "node:http";
import { RelayError } from "../base/errors.ts";
import type { ClientApi } from "../sessions/chat-request.ts";
import { requireGeminiKey } from "./gemini/auth.ts";
import { requireKey } from "./http/auth.ts";
import { readJsonBody } from "./http/json-body.ts";

export interface RequestContext {
  /** The client's key, after checking it and that the proxy is on (401 / 503 otherwise). */
  authorize(req: IncomingMessage, api?: ClientApi): string;
  readJson(req: IncomingMessage): Promise<unknown>;
}

export interface RequestContextDeps {
  relayKey(): string;
  proxyEnabled(): boolean;
  bodyLimitBytes: number;
}

const urls = new WeakMap<IncomingMessage, URL>();

/**
 * A request's target, parsed once per request: the gateway's path, a Gemini key in
 * `?key=` and `?alt=sse` all come from this one URL. An unreadable target reads as `/`
 * (a plain 404, no query).
 */
export function urlOf(req: IncomingMessage): URL {
  let url = urls.get(req);
  if (url === undefined) {
    try {
      url = new URL(req.url ?? "/", "http://relay.invalid");
    } catch {
      url = new URL("/", "http://relay.invalid");
    }
    urls.set(req, url);
  }
  return url;
}

/** The query of a request (`?key=`, `?alt=sse`). */
export const queryOf = (req: IncomingMessage): URLSearchParams => urlOf(req).searchParams;

export function createRequestContext(deps: RequestContextDeps): RequestContext {
  return {
    authorize(req, api) {
      const key =
        api === "gemini" ? requireGeminiKey(req.headers, queryOf(req), deps.relayKey()) : requireKey(req.headers, deps.relayKey());
      if (!deps.proxyEnabled()) {
        throw new RelayError({
          kind: "upstream_unavailable",
          status: 503,
          message: "the relay is switched off: turn the proxy on in Cursor Relay (tray menu or dashboard)",
        });
      }
      return key;
    },
    readJson: (req) => readJsonBody(req, { limitBytes: deps.bodyLimitBytes, decode: true, required: true }),
  };
}
