// One client tool as the relay declares it to Cursor, read the same way for both APIs:
// a non-empty unique name, an optional description, and a JSON Schema object (an empty
// object schema when the client sent none). Anthropic keeps the schema in
// `input_schema`, OpenAI in `function.parameters`.
import type { ToolDefinition } from "../cursor/types.ts";
import { at, expectNonEmptyString, expectObject, invalid, optionalString, own, quote, type JsonObject } from "./validation.ts";

export function readToolDefinition(tool: JsonObject, path: string, schemaField: string, seen: Set<string>): ToolDefinition {
  const name = expectNonEmptyString(own(tool, "name"), at(path, "name"));
  if (seen.has(name)) throw invalid(at(path, "name"), `duplicate tool name ${quote(name)}`);
  seen.add(name);
  const schema = own(tool, schemaField);
  return {
    name,
    description: optionalString(own(tool, "description"), at(path, "description")) ?? "",
    inputSchema: schema === undefined || schema === null ? { type: "object", properties: {} } : expectObject(schema, at(path, schemaField)),
  };
}
