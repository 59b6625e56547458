// One client tool as the relay declares it to Cursor, read the same way for every API:
// a non-empty unique name, an optional description, and a JSON Schema object (an empty
// object schema when the client sent none). Anthropic keeps the schema in
// `input_schema`, OpenAI in `function.parameters` (Responses: `parameters`), Gemini in
// `parametersJsonSchema`.
import type { ToolDefinition } from "../cursor/types.ts";
import { at, expectArray, expectNonEmptyString, expectObject, invalid, optionalString, own, quote, type JsonObject } from "./validation.ts";

/** What a client API accepts as a tool name, and how to say it in a 400. */
export interface ToolNameRule {
  accepts(name: string): boolean;
  says: string;
}

/** Anthropic's rule: ^[a-zA-Z0-9_-]{1,64}$. */
export const ANTHROPIC_TOOL_NAME: ToolNameRule = {
  accepts: (name) => /^[a-zA-Z0-9_-]{1,64}$/.test(name),
  says: "must be 1 to 64 characters of letters, digits, underscores and dashes (^[a-zA-Z0-9_-]{1,64}$)",
};

/** OpenAI's limit on function names: at most 64 characters. */
export const OPENAI_TOOL_NAME: ToolNameRule = {
  accepts: (name) => name.length <= 64,
  says: "must be at most 64 characters",
};

export function readToolDefinition(tool: JsonObject, path: string, schemaField: string, seen: Set<string>, nameRule?: ToolNameRule): ToolDefinition {
  const name = expectNonEmptyString(own(tool, "name"), at(path, "name"));
  if (nameRule && !nameRule.accepts(name)) {
    const shown = name.length > 64 ? `${quote(name)} (${name.length} characters)` : quote(name);
    throw invalid(at(path, "name"), `tool name ${shown} ${nameRule.says}`);
  }
  if (seen.has(name)) throw invalid(at(path, "name"), `duplicate tool name ${quote(name)}`);
  seen.add(name);
  const schema = own(tool, schemaField);
  return {
    name,
    description: optionalString(own(tool, "description"), at(path, "description")) ?? "",
    inputSchema: schema === undefined || schema === null ? { type: "object", properties: {} } : expectObject(schema, at(path, schemaField)),
  };
}

/** Reads one `tools` entry: its definitions, or nothing for a tool only its vendor can run. */
export type ToolEntryReader = (tool: JsonObject, path: string, seen: Set<string>) => ToolDefinition | ToolDefinition[] | undefined;

/** A format's `tools` array (absent or null: none), each entry an object; names stay unique across it. */
export function readToolList(raw: unknown, readEntry: ToolEntryReader): ToolDefinition[] {
  if (raw === undefined || raw === null) return [];
  const seen = new Set<string>();
  return expectArray(raw, "tools").flatMap((item, i) => {
    const path = at("tools", i);
    return readEntry(expectObject(item, path), path, seen) ?? [];
  });
}
