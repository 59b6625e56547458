// JSON <-> serialized google.protobuf.Value, the encoding Cursor uses for tool input
// schemas and for MCP call arguments (docs/protocol.md §4.7, §4.13).
import { fromBinary, fromJson, toBinary, toJson, type JsonValue } from "@bufbuild/protobuf";
import { ValueSchema } from "@bufbuild/protobuf/wkt";

const utf8 = new TextEncoder();
const utf8Strict = new TextDecoder("utf-8", { fatal: true });

/** Serializes any JSON value as a google.protobuf.Value; falls back to raw JSON bytes when it cannot. */
export function encodeJsonAsValue(json: unknown): Uint8Array {
  try {
    return toBinary(ValueSchema, fromJson(ValueSchema, (json ?? null) as JsonValue));
  } catch {
    return utf8.encode(JSON.stringify(json ?? null));
  }
}

/**
 * Decodes one MCP argument value: a serialized Value, else raw JSON text, else the
 * bytes as a string (docs/protocol.md §4.13). Empty bytes mean null.
 */
export function decodeArgValue(bytes: Uint8Array): unknown {
  if (bytes.length === 0) return null;
  try {
    const v = fromBinary(ValueSchema, bytes);
    if (v.kind.case !== undefined) return toJson(ValueSchema, v);
  } catch {
    // not a Value; try the other encodings
  }
  let text: string;
  try {
    text = utf8Strict.decode(bytes);
  } catch {
    return Buffer.from(bytes).toString("latin1");
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** MCP args map (key -> Value bytes) as a JSON object string; `{}` when there are none. */
export function mcpArgsToJson(args: Record<string, Uint8Array> | undefined): string {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(args ?? {})) out[key] = decodeArgValue(value);
  return JSON.stringify(out);
}
