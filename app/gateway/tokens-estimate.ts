// Prompt-token estimate (docs/protocol.md §7): Cursor reports no prompt count, so the relay
// uses bytes of the request JSON ÷ 4, at least 1. It is computed over the neutral
// request (system + transcript + tools), not the client's raw body, so the Anthropic
// and the OpenAI door report the same number for the same conversation. Image bytes
// are not counted as text (a base64 screenshot would read as ~100k tokens); each image
// adds a flat IMAGE_TOKENS instead, about what a ~1 MP image costs a Claude model.
import type { ChatRequest } from "../sessions/chat-request.ts";

export const IMAGE_TOKENS = 1600;

export function estimateTextTokens(text: string): number {
  return Math.max(1, Math.floor(Buffer.byteLength(text, "utf8") / 4));
}

export function estimateInputTokens(chat: Pick<ChatRequest, "system" | "transcript" | "tools">): number {
  let images = 0;
  const transcript = chat.transcript.map((entry) => {
    if (entry.role !== "user") return entry;
    images += entry.images.length;
    return { role: entry.role, text: entry.text, images: entry.images.map((i) => i.mimeType) };
  });
  const json = JSON.stringify({ system: chat.system, transcript, tools: chat.tools });
  return estimateTextTokens(json) + images * IMAGE_TOKENS;
}
