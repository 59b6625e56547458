// tool_choice as each client API spells it → the neutral ToolChoice. A choice that
// needs tools the request does not declare is the client's mistake (400), named by field.
import type { ToolDefinition } from "../cursor/types.ts";
import type { ToolChoice } from "../sessions/tool-choice.ts";
import { at, expectNonEmptyString, expectObject, expectString, invalid, optionalBoolean, own, quote } from "./validation.ts";

function checked(choice: ToolChoice, tools: readonly ToolDefinition[], path: string): ToolChoice {
  if (choice.mode === "tool" && !tools.some((t) => t.name === choice.name)) {
    throw invalid(path, `names the tool ${quote(choice.name)}, which is not in \`tools\``);
  }
  if (choice.mode === "required" && tools.length === 0) throw invalid(path, "requires a tool call, but `tools` is empty");
  return choice;
}

/** Anthropic: {type: auto | any | tool (+ name) | none, disable_parallel_tool_use?}. */
export function anthropicToolChoice(raw: unknown, tools: readonly ToolDefinition[]): { toolChoice?: ToolChoice; parallelToolCalls?: boolean } {
  if (raw === undefined || raw === null) return {};
  const path = "tool_choice";
  const obj = expectObject(raw, path);
  const type = expectString(own(obj, "type"), at(path, "type"));
  const disable = optionalBoolean(own(obj, "disable_parallel_tool_use"), at(path, "disable_parallel_tool_use"));
  let choice: ToolChoice;
  switch (type) {
    case "auto":
      choice = { mode: "auto" };
      break;
    case "any":
      choice = { mode: "required" };
      break;
    case "none":
      choice = { mode: "none" };
      break;
    case "tool":
      choice = { mode: "tool", name: expectNonEmptyString(own(obj, "name"), at(path, "name")) };
      break;
    default:
      throw invalid(at(path, "type"), `expected "auto", "any", "tool" or "none", got ${quote(type)}`);
  }
  return { toolChoice: checked(choice, tools, path), ...(disable === true ? { parallelToolCalls: false } : {}) };
}

/** OpenAI: "auto" | "none" | "required" | {type: "function", function: {name}}; parallel_tool_calls separately. */
export function openAiToolChoice(raw: unknown, tools: readonly ToolDefinition[]): ToolChoice | undefined {
  if (raw === undefined || raw === null) return undefined;
  const path = "tool_choice";
  if (typeof raw === "string") {
    switch (raw) {
      case "auto":
        return { mode: "auto" };
      case "none":
        return { mode: "none" };
      case "required":
        return checked({ mode: "required" }, tools, path);
      default:
        throw invalid(path, `expected "auto", "none", "required" or a named function, got ${quote(raw)}`);
    }
  }
  const obj = expectObject(raw, path);
  const type = expectString(own(obj, "type"), at(path, "type"));
  if (type !== "function") throw invalid(at(path, "type"), `expected "function", got ${quote(type)}`);
  const fn = expectObject(own(obj, "function"), at(path, "function"));
  return checked({ mode: "tool", name: expectNonEmptyString(own(fn, "name"), at(at(path, "function"), "name")) }, tools, path);
}
