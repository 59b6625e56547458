// Which client API a request speaks, from its path and headers: that decides its error format.
import type { IncomingMessage } from "node:http";
import type { ClientApi } from "../sessions/chat-request.ts";
import { isGeminiRequest } from "./gemini/route.ts";

/** Which error format a request gets: Anthropic for its routes or when it speaks anthropic-version. */
export function apiOf(path: string, headers: IncomingMessage["headers"]): ClientApi {
  if (path.startsWith("/v1/messages")) return "anthropic";
  if (path.startsWith("/v1/chat/")) return "openai";
  if (path.startsWith("/v1/responses") || path.startsWith("/responses")) return "responses";
  if (isGeminiRequest(path, headers)) return "gemini";
  return headers["anthropic-version"] !== undefined ? "anthropic" : "openai";
}
