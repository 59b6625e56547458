// GET /v1/models for OpenAI clients (no `anthropic-version` header). Cursor gives no
// creation dates, so `created` is 0.
import type { CursorModel } from "../../cursor/types.ts";
import { uniqueModels } from "../unique-models.ts";

export interface OpenAiModel {
  id: string;
  object: "model";
  created: number;
  owned_by: "cursor";
}

export interface OpenAiModelList {
  object: "list";
  data: OpenAiModel[];
}

/** One model as GET /v1/models/{id} answers it. */
export function openAiModel(m: CursorModel): OpenAiModel {
  return { id: m.id, object: "model", created: 0, owned_by: "cursor" };
}

export function openAiModelList(models: readonly CursorModel[]): OpenAiModelList {
  return { object: "list", data: uniqueModels(models).map(openAiModel) };
}
