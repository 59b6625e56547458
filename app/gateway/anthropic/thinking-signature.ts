// Anthropic thinking blocks carry a `signature` the client sends back verbatim. Cursor
// has none, and the relay drops thinking blocks coming back from clients, so any opaque
// value works: base64 of a SHA-256 over the thinking text (stable, not forgeable into
// meaning, and never empty — some clients treat an empty signature as a broken block).
import { createHash } from "node:crypto";

export function thinkingSignature(thinking: string): string {
  return createHash("sha256").update("cursor-relay/thinking\0").update(thinking, "utf8").digest("base64");
}
