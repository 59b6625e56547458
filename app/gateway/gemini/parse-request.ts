// A Gemini generateContent / streamGenerateContent / countTokens body → the relay's
// neutral ChatRequest. The model and whether to stream come from the URL (the parsed
// GeminiCall), not the body. Each part of the body has its reader:
// - `contents` and `systemInstruction`: contents.ts
// - `tools`: tools.ts (Gemini's schema dialect: schema.ts)
// - `toolConfig.functionCallingConfig`: geminiToolChoice in gateway/tool-choice.ts, with
//   the same checks as the other formats; the mode travels as ChatRequest.toolChoice
//   (NONE → none, ANY → required, or the one tool when exactly one is allowed)
// - `generationConfig`: generation-config.ts
import type { ChatRequest } from "../../sessions/chat-request.ts";
import { geminiToolChoice } from "../tool-choice.ts";
import { expectArray, expectBody, expectObject, guardParse, invalid, optionalObject, own } from "../validation.ts";
import { contentText, readTranscript } from "./contents.ts";
import { readGenerationConfig } from "./generation-config.ts";
import type { GeminiCall } from "./route.ts";
import { readTools } from "./tools.ts";

export interface GeminiRequest {
  chat: ChatRequest;
  /** responseMimeType application/json: the answer must be one JSON value. */
  jsonOutput: boolean;
}

export function parseGeminiRequest(body: unknown, call: Pick<GeminiCall, "model" | "method">): GeminiRequest {
  return guardParse(() => parse(body, call));
}

function parse(body: unknown, call: Pick<GeminiCall, "model" | "method">): GeminiRequest {
  const req = expectBody(body);
  // countTokens may wrap the request: {generateContentRequest: {...}}.
  const inner = optionalObject(own(req, "generateContentRequest"), "generateContentRequest");
  const src = inner ?? req;
  const contents = expectArray(own(src, "contents"), "contents");
  if (contents.length === 0) throw invalid("contents", "must contain at least one content");
  const transcript = readTranscript(contents);
  if (transcript.length === 0) throw invalid("contents", "must contain at least one part with text, an image, a functionCall or a functionResponse");

  const system: string[] = [];
  const sys = own(src, "systemInstruction");
  if (sys !== undefined && sys !== null) {
    const text = typeof sys === "string" ? sys : contentText(expectObject(sys, "systemInstruction"), "systemInstruction");
    if (text !== "") system.push(text);
  }
  const gen = readGenerationConfig(own(src, "generationConfig"));
  if (gen.jsonInstruction !== undefined) system.push(gen.jsonInstruction);
  const { tools, toolChoice } = geminiToolChoice(own(src, "toolConfig"), readTools(own(src, "tools")));
  return {
    chat: {
      api: "gemini",
      model: call.model,
      stream: call.method === "streamGenerateContent",
      system: system.join("\n"),
      transcript,
      tools,
      maxTokens: gen.maxTokens,
      sessionId: null,
      showThinking: gen.showThinking,
      includeUsage: true,
      ...(toolChoice !== undefined ? { toolChoice } : {}),
    },
    jsonOutput: gen.jsonInstruction !== undefined,
  };
}
