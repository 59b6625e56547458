// POST /v1/chat/completions body → the relay's neutral ChatRequest.
//
// Decisions:
// - system and developer messages are folded into `system` (joined with "\n").
// - Legacy function calling (the `function` role, `functions` / `function_call`
//   parameters, an assistant `function_call`) is rejected with a 400 that points to
//   tools / tool_calls: it has no call ids, so results could not be matched to calls.
// - n > 1 is rejected: Cursor produces one answer per turn.
// - max_completion_tokens wins over the older max_tokens when both are given.
// - Tools of a type other than "function" (OpenAI "custom" freeform tools, …) are
//   skipped. Assistant tool_call arguments given as an object (some clients) are
//   serialized; a string is kept as sent. tool_choice and parallel_tool_calls are
//   honoured; temperature, response_format and every unknown field are ignored.
// - A trailing assistant message (prefill) is accepted and kept, as for Anthropic.
// - sessionId is null (OpenAI clients have none; the session layer hashes the
//   transcript instead) and showThinking is true (reasoning goes to reasoning_content,
//   which clients that do not know it simply ignore).
import type { ToolDefinition } from "../../cursor/types.ts";
import type { ChatRequest, TranscriptEntry, TranscriptToolCall } from "../../sessions/chat-request.ts";
import {
  at,
  describe,
  expectArray,
  expectBody,
  expectNonEmptyString,
  expectObject,
  expectString,
  guardParse,
  invalid,
  optionalBoolean,
  optionalObject,
  optionalPositiveInt,
  optionalString,
  own,
  quote,
} from "../validation.ts";
import { OPENAI_TOOL_NAME, readToolDefinition, readToolList } from "../tool-definition.ts";
import { openAiToolChoice } from "../tool-choice.ts";
import { parseContent } from "./content-parts.ts";

const LEGACY_FUNCTIONS = "legacy function calling is not supported; use `tools` and `tool_calls` with role \"tool\" results";

export function parseOpenAiRequest(body: unknown, _headers: Record<string, string | undefined>): ChatRequest {
  return guardParse(() => parse(body));
}

function parse(body: unknown): ChatRequest {
  const req = expectBody(body);
  const model = expectNonEmptyString(own(req, "model"), "model");
  for (const legacy of ["functions", "function_call"]) {
    const v = own(req, legacy);
    if (v !== undefined && v !== null) throw invalid(legacy, LEGACY_FUNCTIONS);
  }
  const n = optionalPositiveInt(own(req, "n"), "n");
  if (n !== undefined && n > 1) throw invalid("n", `only one choice per request is supported, got ${n}`);

  const messages = expectArray(own(req, "messages"), "messages");
  if (messages.length === 0) throw invalid("messages", "must contain at least one message");
  const system: string[] = [];
  const transcript: TranscriptEntry[] = [];
  messages.forEach((m, i) => parseMessage(m, at("messages", i), system, transcript));
  if (transcript.length === 0) throw invalid("messages", "must contain at least one user, assistant or tool message");

  const streamOptions = optionalObject(own(req, "stream_options"), "stream_options");
  const maxTokens = optionalPositiveInt(own(req, "max_tokens"), "max_tokens");
  const maxCompletionTokens = optionalPositiveInt(own(req, "max_completion_tokens"), "max_completion_tokens");
  const tools = parseTools(own(req, "tools"));
  const toolChoice = openAiToolChoice(own(req, "tool_choice"), tools);
  const parallel = optionalBoolean(own(req, "parallel_tool_calls"), "parallel_tool_calls");

  return {
    api: "openai",
    model,
    stream: optionalBoolean(own(req, "stream"), "stream") ?? false,
    system: system.join("\n"),
    transcript,
    tools,
    ...(toolChoice ? { toolChoice } : {}),
    ...(parallel === false ? { parallelToolCalls: false } : {}),
    maxTokens: maxCompletionTokens ?? maxTokens,
    sessionId: null,
    showThinking: true,
    includeUsage:
      streamOptions === undefined ? false : (optionalBoolean(own(streamOptions, "include_usage"), "stream_options.include_usage") ?? false),
  };
}

function parseMessage(raw: unknown, path: string, system: string[], transcript: TranscriptEntry[]): void {
  const msg = expectObject(raw, path);
  const role = expectString(own(msg, "role"), at(path, "role"));
  const contentPath = at(path, "content");
  switch (role) {
    case "system":
    case "developer": {
      const { text } = parseContent(own(msg, "content"), contentPath, false);
      if (text !== "") system.push(text);
      return;
    }
    case "user": {
      const { text, images } = parseContent(own(msg, "content"), contentPath, true);
      transcript.push({ role: "user", text, images });
      return;
    }
    case "assistant": {
      const fc = own(msg, "function_call");
      if (fc !== undefined && fc !== null) throw invalid(at(path, "function_call"), LEGACY_FUNCTIONS);
      const { text } = parseContent(own(msg, "content"), contentPath, false, true);
      transcript.push({ role: "assistant", text, toolCalls: parseToolCalls(own(msg, "tool_calls"), at(path, "tool_calls")) });
      return;
    }
    case "tool": {
      const toolCallId = expectNonEmptyString(own(msg, "tool_call_id"), at(path, "tool_call_id"));
      const { text } = parseContent(own(msg, "content"), contentPath, false);
      transcript.push({ role: "tool", toolCallId, content: text, isError: false });
      return;
    }
    case "function":
      throw invalid(at(path, "role"), LEGACY_FUNCTIONS);
    default:
      throw invalid(at(path, "role"), `expected "system", "developer", "user", "assistant" or "tool", got ${quote(role)}`);
  }
}

function parseToolCalls(raw: unknown, path: string): TranscriptToolCall[] {
  if (raw === undefined || raw === null) return [];
  return expectArray(raw, path).map((item, i) => {
    const callPath = at(path, i);
    const call = expectObject(item, callPath);
    const type = optionalString(own(call, "type"), at(callPath, "type"));
    if (type !== undefined && type !== "function") throw invalid(at(callPath, "type"), `expected "function", got ${quote(type)}`);
    const id = expectNonEmptyString(own(call, "id"), at(callPath, "id"));
    const fnPath = at(callPath, "function");
    const fn = expectObject(own(call, "function"), fnPath);
    const name = expectNonEmptyString(own(fn, "name"), at(fnPath, "name"));
    return { id, name, argumentsJson: argumentsJsonOf(own(fn, "arguments"), at(fnPath, "arguments")) };
  });
}

function argumentsJsonOf(raw: unknown, path: string): string {
  if (raw === undefined || raw === null) return "{}";
  if (typeof raw === "string") return raw === "" ? "{}" : raw;
  if (typeof raw === "object" && !Array.isArray(raw)) return JSON.stringify(raw);
  throw invalid(path, `expected a JSON string, got ${describe(raw)}`);
}

function parseTools(raw: unknown): ToolDefinition[] {
  return readToolList(raw, (tool, path, seen) => {
    const type = expectString(own(tool, "type"), at(path, "type"));
    if (type !== "function") return undefined;
    const fnPath = at(path, "function");
    const fn = expectObject(own(tool, "function"), fnPath);
    return readToolDefinition(fn, fnPath, "parameters", seen, OPENAI_TOOL_NAME);
  });
}

