// Gemini `tools` → the function tools Cursor is told about: functionDeclarations only
// (googleSearch, codeExecution, … are Google-hosted tools Cursor cannot run: skipped).
// `parametersJsonSchema` is JSON Schema already; `parameters` is converted from Gemini's
// schema dialect.
import type { ToolDefinition } from "../../cursor/types.ts";
import { readToolDefinition } from "../tool-definition.ts";
import { at, expectArray, expectObject, own, type JsonObject } from "../validation.ts";
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

/** Name, description and schema are read as for the other formats; `parameters` is Gemini's dialect. */
function functionDeclaration(decl: JsonObject, path: string, seen: Set<string>): ToolDefinition {
  const tool = readToolDefinition(decl, path, "parametersJsonSchema", seen);
  const jsonSchema = own(decl, "parametersJsonSchema");
  const geminiSchema = own(decl, "parameters");
  if ((jsonSchema === undefined || jsonSchema === null) && geminiSchema !== undefined && geminiSchema !== null) {
    return { ...tool, inputSchema: geminiSchemaToJsonSchema(geminiSchema, at(path, "parameters")) };
  }
  return tool;
}
