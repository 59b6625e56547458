// Every Gemini path (/v1beta/…, and /v1/models… from Google clients): the model list, one
// model, and generate / stream / countTokens calls on a model.
import type { IncomingMessage, ServerResponse } from "node:http";
import { RelayError } from "../../base/errors.ts";
import type { CursorModel } from "../../cursor/types.ts";
import type { ChatTurn } from "../chat-turn.ts";
import type { ResponseChannel } from "../http/channel.ts";
import { methodNotAllowed } from "../../base/router.ts";
import { queryOf, type RequestContext } from "../request-context.ts";
import { geminiCountTokens } from "./count-tokens.ts";
import { geminiModel, geminiModelList } from "./models.ts";
import { geminiTarget } from "./route.ts";

export type GeminiRoutes = (req: IncomingMessage, res: ServerResponse, channel: ResponseChannel, method: string, path: string) => Promise<void>;

export interface GeminiRouteDeps {
  context: RequestContext;
  chat: ChatTurn;
  listModels(): Promise<CursorModel[]>;
}

export function createGeminiRoutes(deps: GeminiRouteDeps): GeminiRoutes {
  return async (req, res, channel, method, path) => {
    const target = geminiTarget(path);
    const allowed = target.kind === "method" ? "POST" : "GET";
    if (method !== allowed) throw methodNotAllowed(method, path.slice(0, 200), [allowed]);
    if (target.kind === "method" && target.method !== "countTokens") {
      await deps.chat(req, res, channel, "gemini", { call: target, sse: queryOf(req).get("alt") === "sse" });
      return;
    }
    deps.context.authorize(req, "gemini");
    if (target.kind === "method") {
      channel.json(200, geminiCountTokens(await deps.context.readJson(req), target));
      return;
    }
    const models = await deps.listModels();
    if (target.kind === "list") {
      channel.json(200, geminiModelList(models));
      return;
    }
    const name = target.model;
    const found = models.find((m) => m.id === name);
    // A Gemini name (gemini-2.5-pro) is served by whatever Cursor model it maps to.
    if (!found && !/^gemini-/i.test(name)) throw new RelayError({ kind: "not_found", status: 404, message: `no model ${JSON.stringify(name.slice(0, 100))}` });
    channel.json(200, geminiModel(found ?? { id: name, displayName: name, supportsThinking: true, aliases: [] }));
  };
}
