// The checks every client's session identity goes through: a usable id is a short,
// printable string; anything odd just yields no id (a session id must never make a
// request fail).
import { isObject, own } from "./validation.ts";

const MAX_SESSION_ID = 200;

export function usableSessionId(id: unknown): string | null {
  if (typeof id !== "string") return null;
  const s = id.trim();
  if (s === "" || s.length > MAX_SESSION_ID || /[\u0000-\u001f\u007f]/.test(s)) return null;
  return s;
}

/** The `session_id` of a JSON object held in a string (Claude Code's user_id, Codex's turn metadata). */
export function sessionIdInJson(raw: string): string | null {
  try {
    const parsed: unknown = JSON.parse(raw);
    return isObject(parsed) ? usableSessionId(own(parsed, "session_id")) : null;
  } catch {
    return null;
  }
}
