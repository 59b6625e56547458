// GET /v1/models for Anthropic clients (the request carries `anthropic-version`).
// Cursor gives no creation dates, so created_at is the Unix epoch. The whole list is
// one page (has_more false).
import type { CursorModel } from "../../cursor/types.ts";
import { uniqueModels } from "../unique-models.ts";

export interface AnthropicModelInfo {
  type: "model";
  id: string;
  display_name: string;
  created_at: string;
}

export interface AnthropicModelList {
  data: AnthropicModelInfo[];
  has_more: false;
  first_id: string | null;
  last_id: string | null;
}

export const UNKNOWN_CREATED_AT = "1970-01-01T00:00:00Z";

/** One model as GET /v1/models/{id} answers it. */
export function anthropicModelInfo(m: CursorModel): AnthropicModelInfo {
  return { type: "model", id: m.id, display_name: m.displayName || m.id, created_at: UNKNOWN_CREATED_AT };
}

export function anthropicModelList(models: readonly CursorModel[]): AnthropicModelList {
  const data = uniqueModels(models).map(anthropicModelInfo);
  return { data, has_more: false, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null };
}
