// GET /v1/models and GET /v1/models/{id}, answered in the client's format (Anthropic or OpenAI).
import type { IncomingMessage } from "node:http";
import { RelayError } from "../base/errors.ts";
import type { CursorModel } from "../cursor/types.ts";
import type { ClientApi } from "../sessions/chat-request.ts";
import { anthropicModelInfo, anthropicModelList } from "./anthropic/models.ts";
import type { ResponseChannel } from "./http/channel.ts";
import { openAiModel, openAiModelList } from "./openai/models.ts";
import type { RequestContext } from "./request-context.ts";

/** A percent-decoded path segment; invalid encoding is looked up as written, so it is a plain 404. */
export function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export interface ModelRoutes {
  list(req: IncomingMessage, channel: ResponseChannel, api: ClientApi): Promise<void>;
  one(req: IncomingMessage, channel: ResponseChannel, api: ClientApi, id: string): Promise<void>;
}

export function createModelRoutes(context: RequestContext, listModels: () => Promise<CursorModel[]>): ModelRoutes {
  return {
    async list(req, channel, api) {
      context.authorize(req);
      const models = await listModels();
      channel.json(200, api === "anthropic" ? anthropicModelList(models) : openAiModelList(models));
    },
    async one(req, channel, api, id) {
      context.authorize(req);
      const model = (await listModels()).find((m) => m.id === id);
      if (!model) throw new RelayError({ kind: "not_found", status: 404, message: `model not found: ${id.slice(0, 200)} (GET /v1/models lists the models)` });
      channel.json(200, api === "anthropic" ? anthropicModelInfo(model) : openAiModel(model));
    },
  };
}
