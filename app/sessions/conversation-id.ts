// Conversation ids (docs/protocol.md §6.1): deterministic, so a conversation keeps its Cursor
// server state across requests, and salted with the client's relay key, so two keys
// never share a conversation. The id is UUID-shaped (first 16 bytes of a SHA-256).
import { createHash } from "node:crypto";
import type { ChatRequest, TranscriptEntry } from "./chat-request.ts";

const PREFIX_BYTES = 500;

/** First 16 bytes of SHA-256(input) as 8-4-4-4-12 hex. */
export function conversationIdFrom(input: string): string {
  const h = createHash("sha256").update(input, "utf8").digest("hex").slice(0, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** The first `max` bytes of a string, never cutting a UTF-8 sequence in half. */
export function utf8Prefix(text: string, max: number): string {
  const bytes = Buffer.from(text, "utf8");
  if (bytes.length <= max) return text;
  let end = max;
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString("utf8");
}

/**
 * The system prompt as a stable fallback key: Claude Code's per-request billing line
 * (`x-anthropic-billing-header: …`) is dropped, and the first `cch=…` token is cut up to
 * its terminator (`;`, space or newline), when it has one (docs/protocol.md §6.1).
 */
export function stableSystemPrefix(system: string): string {
  let s = system
    .split("\n")
    .filter((line) => !line.startsWith("x-anthropic-billing-header:"))
    .join("\n");
  const at = s.indexOf("cch=");
  if (at >= 0) {
    const rest = s.slice(at);
    const m = /[; \n]/.exec(rest);
    if (m) s = s.slice(0, at) + rest.slice(m.index);
  }
  return utf8Prefix(s, PREFIX_BYTES);
}

/** `cursor-conv:<key>:<session id>` when the client sent one (Claude Code), else a hash of the prompt's start. */
export function conversationIdFor(clientKey: string, sessionId: string | null, system: string, firstUserText?: string): string {
  if (sessionId) return conversationIdFrom(`cursor-conv:${clientKey}:${sessionId}`);
  let seed = `cursor-conv:${clientKey}:${stableSystemPrefix(system)}`;
  if (firstUserText !== undefined) seed += `:${utf8Prefix(firstUserText, PREFIX_BYTES)}`;
  return conversationIdFrom(seed);
}

/** The text of the transcript's first user message (what tells threads apart). */
export const firstUserText = (t: readonly TranscriptEntry[]): string | undefined => {
  for (const e of t) if (e.role === "user") return e.text;
  return undefined;
};

export function conversationIdOf(clientKey: string, req: ChatRequest, firstUser = firstUserText(req.transcript)): string {
  return conversationIdFor(clientKey, req.sessionId, req.system, req.sessionId ? undefined : firstUser);
}
