// Codex's stable conversation identity, in order of preference: the `session-id`
// header (equal to `thread-id`), the body's `prompt_cache_key` (the same id), then the
// `session_id` inside the `x-codex-turn-metadata` JSON header. Other Responses clients
// send none of these; they get null and the session layer hashes the prompt instead.
// An odd value (too long, control characters, not JSON) just yields no id.
import { header, isObject, own } from "../validation.ts";

const MAX_SESSION_ID = 200;

function usable(id: unknown): string | null {
  if (typeof id !== "string") return null;
  const s = id.trim();
  if (s === "" || s.length > MAX_SESSION_ID || /[\u0000-\u001f\u007f]/.test(s)) return null;
  return s;
}

function fromTurnMetadata(raw: string | undefined): string | null {
  if (raw === undefined || raw.length > 10_000) return null;
  try {
    const parsed: unknown = JSON.parse(raw);
    return isObject(parsed) ? usable(own(parsed, "session_id")) : null;
  } catch {
    return null;
  }
}

export function responsesSessionId(promptCacheKey: string | undefined, headers: Record<string, string | undefined>): string | null {
  return (
    usable(header(headers, "session-id")) ??
    usable(header(headers, "thread-id")) ??
    usable(promptCacheKey) ??
    fromTurnMetadata(header(headers, "x-codex-turn-metadata"))
  );
}
