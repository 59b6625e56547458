// Gemini `tools` → the function tools Cursor is told about: functionDeclarations only
// (googleSearch, codeExecution, … are Google-hosted tools Cursor cannot run: skipped).
// `parametersJsonSchema` is JSON Schema already; `parameters` is converted from Gemini's
// schema dialect.
import type { ToolDefinition } from "../../cursor/types.ts";
import { at, expectArray, expectNonEmptyString, expectObject, invalid, optionalString, own, quote, type JsonObject } from "../validation.ts";
import { geminiSchemaToJsonSchema } from "./schema.ts";

export function readTools(raw: unknown): ToolDefinition[] {
  if (raw === undefined || raw === null) return [];
  const tools: ToolDefinition[] = [];
  const seen = new Set<string>();
  expectArray(raw, "tools").forEach((item, i) => {
    const path = at("tools", i);
    const tool = expectObject(item, path);
    const decls = own(tool, "functionDeclarations");
    if (decls === undefined || decls === null) return; // a Google-hosted tool
    expectArray(decls, at(path, "functionDeclarations")).forEach((d, j) => {
      const dPath = at(at(path, "functionDeclarations"), j);
      tools.push(functionDeclaration(expectObject(d, dPath), dPath, seen));
    });
  });
  return tools;
}

function functionDeclaration(decl: JsonObject, path: string, seen: Set<string>): ToolDefinition {
  const name = expectNonEmptyString(own(decl, "name"), at(path, "name"));
  if (seen.has(name)) throw invalid(at(path, "name"), `duplicate tool name ${quote(name)}`);
  seen.add(name);
  const jsonSchema = own(decl, "parametersJsonSchema");
  const geminiSchema = own(decl, "parameters");
  let inputSchema: unknown = { type: "object", properties: {} };
  if (jsonSchema !== undefined && jsonSchema !== null) inputSchema = expectObject(jsonSchema, at(path, "parametersJsonSchema"));
  else if (geminiSchema !== undefined && geminiSchema !== null) inputSchema = geminiSchemaToJsonSchema(geminiSchema, at(path, "parameters"));
  return { name, description: optionalString(own(decl, "description"), at(path, "description")) ?? "", inputSchema };
}
