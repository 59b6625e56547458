// Claude Code's session id (docs/protocol.md §6.1), in order of preference:
// 1. metadata.user_id as a JSON string with `session_id` (Claude Code 2.1.x),
// 2. the legacy `user_<hash>_account_<uuid>_session_<uuid>` user id,
// 3. the `x-claude-code-session-id` header.
// Anything odd (not JSON, no session, absurdly long, control characters) just yields
// no id: user_id is opaque to Anthropic, so it must never make a request fail.
import { sessionIdInJson, usableSessionId as usable } from "../session-id.ts";
import { header } from "../validation.ts";

const LEGACY = /_session_([A-Za-z0-9-]{1,200})$/;

function fromUserId(userId: string): string | null {
  if (userId.trimStart().startsWith("{")) return sessionIdInJson(userId);
  // Only look at the tail: a legacy id is short, a hostile one may be megabytes.
  return usable(LEGACY.exec(userId.slice(-300))?.[1]);
}

export function claudeCodeSessionId(userId: string | undefined, headers: Record<string, string | undefined>): string | null {
  const fromMetadata = userId === undefined ? null : fromUserId(userId);
  return fromMetadata ?? usable(header(headers, "x-claude-code-session-id"));
}
