// Gemini `tools` → the function tools Cursor is told about: functionDeclarations only
// (googleSearch, codeExecution, … are Google-hosted tools Cursor cannot run: skipped).
// `parametersJsonSchema` is JSON Schema already; `parameters` is converted from Gemini's
// schema dialect.
import type { ToolDefinition } from "../../cursor/types.ts";
import { readToolDefinition, readToolList } from "../tool-definition.ts";
import { at, expectArray, expectObject, own, type JsonObject } from "../validation.ts";
import { geminiSchemaToJsonSchema } from "./schema.ts";

export function readTools(raw: unknown): ToolDefinition[] {
  return readToolList(raw, (tool, path, seen) => {
    const decls = own(tool, "functionDeclarations");
    if (decls === undefined || decls === null) return undefined; // a Google-hosted tool
    const declsPath = at(path, "functionDeclarations");
    return expectArray(decls, declsPath).map((d, j) => functionDeclaration(expectObject(d, at(declsPath, j)), at(declsPath, j), seen));
  });
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
