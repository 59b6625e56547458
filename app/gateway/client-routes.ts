// The client API's route table (Anthropic, OpenAI chat, Responses, models) and the
// dispatcher in front of it, which also hands Gemini paths to their own routes.
import type { IncomingMessage, ServerResponse } from "node:http";
import { RelayError } from "../base/errors.ts";
import type { ClientApi } from "../sessions/chat-request.ts";
import { countTokensResponse } from "./anthropic/count-tokens.ts";
import type { ChatTurn } from "./chat-turn.ts";
import type { GeminiRoutes } from "./gemini/routes.ts";
import type { ResponseChannel } from "./http/channel.ts";
import { createRouter, methodNotAllowed, type RouteSpec } from "../base/router.ts";
import { decodeSegment, type ModelRoutes } from "./model-routes.ts";
import type { RequestContext } from "./request-context.ts";
import type { RequestStats } from "./request-stats.ts";

type Route = (req: IncomingMessage, res: ServerResponse, channel: ResponseChannel, api: ClientApi, params: Record<string, string>) => Promise<void>;

export type ClientDispatch = (req: IncomingMessage, res: ServerResponse, channel: ResponseChannel, api: ClientApi, method: string, path: string) => Promise<void>;

export interface ClientRouteDeps {
  context: RequestContext;
  chat: ChatTurn;
  models: ModelRoutes;
  gemini: GeminiRoutes;
  stats: RequestStats;
}

function clientRouteTable(deps: ClientRouteDeps): RouteSpec<Route>[] {
  const chat: Route = (req, res, channel, api) => deps.chat(req, res, channel, api);
  return [
    { method: "GET", path: "/", handler: async (_req, _res, channel) => channel.json(200, { name: "cursor-relay", ok: true }) },
    {
      method: "HEAD",
      path: "/",
      handler: async (_req, res) => {
        res.writeHead(200, { "content-type": "application/json; charset=utf-8" });
        res.end();
      },
    },
    { method: "POST", path: "/v1/messages", handler: chat },
    { method: "POST", path: "/v1/chat/completions", handler: chat },
    { method: "POST", path: "/v1/responses", handler: chat },
    { method: "POST", path: "/responses", handler: chat },
    {
      method: "POST",
      path: "/v1/messages/count_tokens",
      handler: async (req, _res, channel) => {
        deps.context.authorize(req);
        channel.json(200, countTokensResponse(await deps.context.readJson(req)));
      },
    },
    { method: "GET", path: "/v1/models", handler: (req, _res, channel, api) => deps.models.list(req, channel, api) },
    { method: "GET", path: "/v1/models/:id", handler: (req, _res, channel, api, params) => deps.models.one(req, channel, api, decodeSegment(params.id!)) },
  ];
}

export function createClientDispatch(deps: ClientRouteDeps): ClientDispatch {
  const router = createRouter(clientRouteTable(deps));
  return async (req, res, channel, api, method, path) => {
    if (api === "gemini") {
      deps.stats.request();
      await deps.gemini(req, res, channel, method, path);
      return;
    }
    // A trailing slash names the same route.
    const route = router.match(method, path.length > 1 ? path.replace(/\/+$/, "") : path);
    if (route.kind === "not_found") throw new RelayError({ kind: "not_found", status: 404, message: `no route for ${method} ${path}` });
    if (route.kind === "method_not_allowed") throw methodNotAllowed(method, path, route.allow);
    if (path !== "/") deps.stats.request();
    await route.handler(req, res, channel, api, route.params);
  };
}
