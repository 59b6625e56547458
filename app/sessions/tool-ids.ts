// Tool-call ids as clients see them (docs/protocol.md §5.2): Cursor's raw ids may hold spaces
// and newlines, so the client gets `cursor_call_` + base64url(raw bytes), which is
// reversible and free of whitespace. Ids coming back from the client are never
// re-encoded.
import { randomUUID } from "node:crypto";

export const CLIENT_TOOL_ID_PREFIX = "cursor_call_";

export function toClientToolId(rawId: string): string {
  const raw = rawId === "" ? randomUUID() : rawId;
  return CLIENT_TOOL_ID_PREFIX + Buffer.from(raw, "utf8").toString("base64url");
}

/** The raw Cursor id behind a client id, or null when the id is not one of ours. */
export function fromClientToolId(clientId: string): string | null {
  if (!clientId.startsWith(CLIENT_TOOL_ID_PREFIX)) return null;
  const body = clientId.slice(CLIENT_TOOL_ID_PREFIX.length);
  if (!/^[A-Za-z0-9_-]*$/.test(body)) return null;
  return Buffer.from(body, "base64url").toString("utf8");
}
