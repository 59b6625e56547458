// Tool-call arguments from Cursor as the client gets them. app/cursor already decodes
// them to a JSON object string (docs/protocol.md §4.13); should anything else ever arrive
// (empty, invalid JSON, a non-object), the client gets `{}` rather than a payload its
// JSON parser would choke on mid-stream.
export interface ToolArguments {
  /** The JSON text sent to the client (the original bytes when they were an object). */
  json: string;
  value: Record<string, unknown>;
}

export function toolArguments(argsJson: string): ToolArguments {
  try {
    const value: unknown = JSON.parse(argsJson);
    if (typeof value === "object" && value !== null && !Array.isArray(value)) {
      return { json: argsJson, value: value as Record<string, unknown> };
    }
  } catch {
    // fall through
  }
  return { json: "{}", value: {} };
}
