// One GenerateContentResponse (a whole answer, or one streamed chunk of it).
import { randomBytes } from "node:crypto";
import type { ToolCallRequest } from "../../cursor/types.ts";
import { toClientToolId } from "../../sessions/tool-ids.ts";
import { toolArguments } from "../tool-arguments.ts";
import type { GeminiUsage } from "./usage.ts";

export type GeminiPart =
  | { text: string; thought?: true }
  | { functionCall: { id: string; name: string; args: Record<string, unknown> } };

export interface GeminiResponse {
  candidates: Array<{
    content: { role: "model"; parts: GeminiPart[] };
    index: 0;
    finishReason?: string;
  }>;
  usageMetadata?: GeminiUsage;
  modelVersion: string;
  responseId: string;
}

export const newResponseId = (): string => randomBytes(12).toString("base64url");

export function functionCallPart(call: ToolCallRequest): GeminiPart {
  return { functionCall: { id: toClientToolId(call.toolCallId), name: call.name, args: toolArguments(call.argsJson).value } };
}

export function geminiResponse(
  parts: GeminiPart[],
  meta: { model: string; responseId: string },
  finishReason?: string,
  usage?: GeminiUsage,
): GeminiResponse {
  const candidate: GeminiResponse["candidates"][number] = { content: { role: "model", parts }, index: 0 };
  if (finishReason !== undefined) candidate.finishReason = finishReason;
  const out: GeminiResponse = { candidates: [candidate], modelVersion: meta.model, responseId: meta.responseId };
  if (usage !== undefined) out.usageMetadata = usage;
  return out;
}
