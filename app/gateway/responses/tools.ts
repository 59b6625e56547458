// Responses API `tools` → the function tools Cursor is told about, plus how each one is
// named back to the client when the model calls it.
//
// - `function`: as is.
// - `namespace` (Codex's `multi_agent_v1` group): each nested function/custom tool is
//   declared as `<namespace>__<name>`; a call comes back as a `function_call` with the
//   inner `name` and the `namespace` field, which is how the client routes it.
// - `custom` (freeform, e.g. a grammar-constrained patch tool): declared as a function
//   with one string argument `input`; a call comes back as a `custom_tool_call` whose
//   `input` is that string.
// - `web_search` (and its preview names): dropped. It is a hosted tool that OpenAI's
//   servers run; the client never executes it and only displays the resulting
//   `web_search_call` items, so without it the model simply has no web search. Codex
//   sends it on every turn, so refusing it would make Codex unusable.
// - any other hosted tool (file_search, computer use, code interpreter, image generation,
//   remote MCP, local_shell, …) needs a server that runs it: a 400 that names it.
import type { ToolDefinition } from "../../cursor/types.ts";
import { readToolDefinition } from "../tool-definition.ts";
import { at, expectArray, expectNonEmptyString, expectObject, expectString, invalid, optionalString, own, quote, type JsonObject } from "../validation.ts";

/** How a tool the model calls is presented to the client. */
export interface ClientToolName {
  name: string;
  namespace?: string;
  /** A freeform tool: the call is a custom_tool_call with a string input. */
  custom: boolean;
}

export interface ResponsesTools {
  tools: ToolDefinition[];
  /** Name declared to Cursor → how the client knows the tool. */
  byCursorName: Map<string, ClientToolName>;
}

export const NAMESPACE_SEPARATOR = "__";
const DROPPED = new Set(["web_search", "web_search_preview", "web_search_2025_08_26", "web_search_preview_2025_03_11"]);
const CUSTOM_INPUT_SCHEMA = {
  type: "object",
  properties: { input: { type: "string", description: "The raw input for this tool, in the format its description asks for." } },
  required: ["input"],
};

/** The name Cursor sees for a (namespace, name) pair. */
export const cursorToolName = (name: string, namespace: string | undefined): string =>
  namespace === undefined ? name : `${namespace}${NAMESPACE_SEPARATOR}${name}`;

/**
 * @param raw the request's `tools`
 * @param additional the `tools` of `additional_tools` input items (Codex sends its tools
 *   this way for newer models), with their paths; a name given again there replaces the
 *   earlier definition, as a later item updates the tool set.
 */
export function parseResponsesTools(raw: unknown, additional: ReadonlyArray<{ tools: unknown; path: string }> = []): ResponsesTools {
  const out: ResponsesTools = { tools: [], byCursorName: new Map() };
  const lists = [...(raw === undefined || raw === null ? [] : [{ tools: raw, path: "tools" }]), ...additional];
  for (const list of lists) {
    const part: ResponsesTools = { tools: [], byCursorName: new Map() };
    const seen = new Set<string>();
    expectArray(list.tools, list.path).forEach((item, i) => addTool(expectObject(item, at(list.path, i)), at(list.path, i), undefined, seen, part));
    const replaced = new Set(part.tools.map((t) => t.name));
    out.tools = [...out.tools.filter((t) => !replaced.has(t.name)), ...part.tools];
    for (const [k, v] of part.byCursorName) out.byCursorName.set(k, v);
  }
  return out;
}

function addTool(tool: JsonObject, path: string, namespace: string | undefined, seen: Set<string>, out: ResponsesTools): void {
  const type = expectString(own(tool, "type"), at(path, "type"));
  if (type === "function" || type === "custom") {
    const name = expectNonEmptyString(own(tool, "name"), at(path, "name"));
    const declared = cursorToolName(name, namespace);
    const definition =
      type === "function"
        ? readToolDefinition({ ...tool, name: declared }, path, "parameters", seen)
        : readToolDefinition({ name: declared, description: customDescription(tool, path), input_schema: CUSTOM_INPUT_SCHEMA }, path, "input_schema", seen);
    out.tools.push(definition);
    out.byCursorName.set(declared, { name, ...(namespace !== undefined ? { namespace } : {}), custom: type === "custom" });
    return;
  }
  if (type === "namespace") {
    if (namespace !== undefined) throw invalid(at(path, "type"), "a namespace cannot hold another namespace");
    const name = expectNonEmptyString(own(tool, "name"), at(path, "name"));
    const toolsPath = at(path, "tools");
    expectArray(own(tool, "tools"), toolsPath).forEach((inner, j) => addTool(expectObject(inner, at(toolsPath, j)), at(toolsPath, j), name, seen, out));
    return;
  }
  if (DROPPED.has(type) && namespace === undefined) return;
  throw invalid(at(path, "type"), `tool type ${quote(type)} is not supported by the relay (it needs a server that runs it); use function tools`);
}

function customDescription(tool: JsonObject, path: string): string {
  const description = optionalString(own(tool, "description"), at(path, "description")) ?? "";
  const format = own(tool, "format");
  if (typeof format !== "object" || format === null || Array.isArray(format)) return description;
  const f = format as JsonObject;
  const definition = own(f, "definition");
  if (own(f, "type") !== "grammar" || typeof definition !== "string") return description;
  // The grammar is the only statement of the input's shape: the model needs it in text.
  return `${description}\n\nThe \`input\` argument must follow this ${String(own(f, "syntax") ?? "")} grammar:\n${definition}`;
}
