// GET /v1beta/models and /v1beta/models/{model} in Gemini's shape. Cursor gives no token
// limits, so the limits are generous placeholders clients only use for display.
import type { CursorModel } from "../../cursor/types.ts";
import { uniqueModels } from "../unique-models.ts";

export interface GeminiModel {
  name: string;
  baseModelId: string;
  version: string;
  displayName: string;
  description: string;
  inputTokenLimit: number;
  outputTokenLimit: number;
  supportedGenerationMethods: string[];
  thinking: boolean;
}

const METHODS = ["generateContent", "streamGenerateContent", "countTokens"];

export function geminiModel(m: CursorModel): GeminiModel {
  return {
    name: `models/${m.id}`,
    baseModelId: m.id,
    version: "cursor",
    displayName: m.displayName || m.id,
    description: `Cursor model ${m.id}, served by Cursor Relay`,
    inputTokenLimit: 1_000_000,
    outputTokenLimit: 64_000,
    supportedGenerationMethods: METHODS,
    thinking: m.supportsThinking,
  };
}

export function geminiModelList(models: readonly CursorModel[]): { models: GeminiModel[] } {
  return { models: uniqueModels(models).map(geminiModel) };
}
