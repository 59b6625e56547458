// tool_choice as each client API spells it → the neutral ToolChoice. The checks are the
// same in every format: a choice that needs tools the request does not declare (a named
// tool that is not in it, a required call with none) is the client's mistake (400),
// named by the client's own field.
import type { ToolDefinition } from "../cursor/types.ts";
import type { ToolChoice } from "../sessions/tool-choice.ts";
import {
  at,
  describe,
  expectArray,
  expectNonEmptyString,
  expectObject,
  expectString,
  invalid,
  optionalBoolean,
  optionalObject,
  optionalString,
  own,
  quote,
} from "./validation.ts";

/** A named tool must be declared; `shown` is the name as the client wrote it. */
function checkedName(name: string, tools: readonly ToolDefinition[], path: string, shown = name): string {
  if (!tools.some((t) => t.name === name)) throw invalid(path, `names the tool ${quote(shown)}, which is not in \`tools\``);
  return name;
}

function checked(choice: ToolChoice, tools: readonly ToolDefinition[], path: string): ToolChoice {
  if (choice.mode === "tool") checkedName(choice.name, tools, path);
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

/**
 * Responses: "auto" | "none" | "required" | {type: "function" | "custom", name, namespace?}
 * | {type: "allowed_tools", mode: "auto" | "required"}. `cursorName` is how a (namespace,
 * name) pair was declared.
 */
export function responsesToolChoice(
  raw: unknown,
  tools: readonly ToolDefinition[],
  cursorName: (name: string, namespace: string | undefined) => string,
): ToolChoice | undefined {
  if (raw === undefined || raw === null) return undefined;
  const path = "tool_choice";
  if (raw === "auto" || raw === "none" || raw === "required") return checked({ mode: raw }, tools, path);
  if (typeof raw === "string") throw invalid(path, `expected "auto", "none", "required" or an object, got ${quote(raw)}`);
  const choice = expectObject(raw, path);
  const type = expectNonEmptyString(own(choice, "type"), at(path, "type"));
  if (type === "function" || type === "custom") {
    const name = expectNonEmptyString(own(choice, "name"), at(path, "name"));
    const namespace = optionalString(own(choice, "namespace"), at(path, "namespace"));
    return { mode: "tool", name: checkedName(cursorName(name, namespace), tools, path, name) };
  }
  if (type === "allowed_tools") {
    const mode = own(choice, "mode");
    if (mode === "auto" || mode === "required") return checked({ mode }, tools, path);
    throw invalid(at(path, "mode"), `expected "auto" or "required", got ${typeof mode === "string" ? quote(mode) : describe(mode)}`);
  }
  throw invalid(at(path, "type"), `tool choice ${quote(type)} is not supported; use "auto", "none", "required" or a function`);
}

const GEMINI_MODES: Record<string, "auto" | "none" | "required" | undefined> = { AUTO: "auto", VALIDATED: "auto", MODE_UNSPECIFIED: undefined, ANY: "required", NONE: "none" };

/**
 * Gemini: toolConfig.functionCallingConfig {mode: AUTO | VALIDATED | ANY | NONE, allowedFunctionNames?}.
 * allowedFunctionNames narrows the declared tools (each name must be declared); ANY with
 * exactly one allowed name asks for that tool. An empty list is the same as none (a
 * repeated field that is empty is not set), so it narrows nothing.
 */
export function geminiToolChoice(raw: unknown, declared: readonly ToolDefinition[]): { tools: ToolDefinition[]; toolChoice?: ToolChoice } {
  const config = optionalObject(raw, "toolConfig");
  const path = "toolConfig.functionCallingConfig";
  const fcc = config === undefined ? undefined : optionalObject(own(config, "functionCallingConfig"), path);
  if (fcc === undefined) return { tools: [...declared] };
  const mode = (optionalString(own(fcc, "mode"), at(path, "mode")) ?? "MODE_UNSPECIFIED").toUpperCase();
  if (!Object.hasOwn(GEMINI_MODES, mode)) throw invalid(at(path, "mode"), `expected "AUTO", "ANY", "NONE" or "VALIDATED", got ${quote(mode)}`);
  const namesPath = at(path, "allowedFunctionNames");
  const namesRaw = own(fcc, "allowedFunctionNames");
  const listed = namesRaw === undefined || namesRaw === null ? [] : expectArray(namesRaw, namesPath).map((n, i) => checkedName(expectString(n, at(namesPath, i)), declared, at(namesPath, i)));
  const names = listed.length > 0 ? listed : undefined;
  const tools = names === undefined ? [...declared] : declared.filter((t) => names.includes(t.name));
  const choice = GEMINI_MODES[mode];
  if (choice === undefined) return { tools };
  const toolChoice: ToolChoice = choice === "required" && names?.length === 1 ? { mode: "tool", name: names[0]! } : { mode: choice };
  return { tools, toolChoice: checked(toolChoice, tools, at(path, "mode")) };
}
