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

/** The query of a request (`?key=`, `?alt=sse`); an unreadable target has none. */
export function queryOf(req: IncomingMessage): URLSearchParams {
  try {
    return new URL(req.url ?? "/", "http://relay.invalid").searchParams;
  } catch {
    return new URLSearchParams();
  }
}

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
