// Gemini `generationConfig` → what the relay honours: maxOutputTokens,
// thinkingConfig.includeThoughts (show Cursor's thinking as thought parts) and
// responseMimeType "application/json" with responseSchema / responseJsonSchema (an
// instruction to answer JSON matching it). candidateCount > 1 is refused; sampling
// parameters are ignored.
import { invalid, optionalBoolean, optionalObject, optionalPositiveInt, optionalString, own, type JsonObject } from "../validation.ts";
import { geminiSchemaToJsonSchema } from "./schema.ts";

export interface GenerationConfig {
  maxTokens: number | undefined;
  showThinking: boolean;
  /** The instruction to answer one JSON value (responseMimeType application/json), else undefined. */
  jsonInstruction: string | undefined;
}

export function readGenerationConfig(raw: unknown): GenerationConfig {
  const gen = optionalObject(raw, "generationConfig") ?? {};
  const candidates = optionalPositiveInt(own(gen, "candidateCount"), "generationConfig.candidateCount");
  if (candidates !== undefined && candidates > 1) throw invalid("generationConfig.candidateCount", `only one candidate per request is supported, got ${candidates}`);
  const thinking = optionalObject(own(gen, "thinkingConfig"), "generationConfig.thinkingConfig");
  const showThinking = thinking === undefined ? false : (optionalBoolean(own(thinking, "includeThoughts"), "generationConfig.thinkingConfig.includeThoughts") ?? false);
  const jsonInstruction = jsonOutputInstruction(gen);
  return { maxTokens: optionalPositiveInt(own(gen, "maxOutputTokens"), "generationConfig.maxOutputTokens"), showThinking, jsonInstruction };
}

function jsonOutputInstruction(gen: JsonObject): string | undefined {
  const mime = optionalString(own(gen, "responseMimeType"), "generationConfig.responseMimeType");
  if (mime === undefined || mime.toLowerCase() !== "application/json") return undefined;
  const jsonSchema = own(gen, "responseJsonSchema");
  const geminiSchema = own(gen, "responseSchema");
  let schema: JsonObject | undefined;
  if (jsonSchema !== undefined && jsonSchema !== null) schema = geminiSchemaToJsonSchema(jsonSchema, "generationConfig.responseJsonSchema");
  else if (geminiSchema !== undefined && geminiSchema !== null) schema = geminiSchemaToJsonSchema(geminiSchema, "generationConfig.responseSchema");
  return schema === undefined
    ? "Answer with one JSON value only: no prose and no Markdown code fence."
    : `Answer with one JSON value only, matching this JSON Schema: no prose and no Markdown code fence.\n${JSON.stringify(schema)}`;
}
