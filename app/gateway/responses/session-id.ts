// Codex's stable conversation identity, in order of preference: the `session-id`
// header (equal to `thread-id`), the body's `prompt_cache_key` (the same id), then the
// `session_id` inside the `x-codex-turn-metadata` JSON header. Other Responses clients
// send none of these; they get null and the session layer hashes the prompt instead.
// An odd value (too long, control characters, not JSON) just yields no id.
import { sessionIdInJson, usableSessionId as usable } from "../session-id.ts";
import { header } from "../validation.ts";

function fromTurnMetadata(raw: string | undefined): string | null {
  if (raw === undefined || raw.length > 10_000) return null;
  return sessionIdInJson(raw);
}

export function responsesSessionId(promptCacheKey: string | undefined, headers: Record<string, string | undefined>): string | null {
  return (
    usable(header(headers, "session-id")) ??
    usable(header(headers, "thread-id")) ??
    usable(promptCacheKey) ??
    fromTurnMetadata(header(headers, "x-codex-turn-metadata"))
  );
}
