// POST /v1/messages body → the relay's neutral ChatRequest.
//
// Decisions (see also content-blocks.ts):
// - System text = the `system` parameter (string or text blocks), then every
//   `role: "system"` message in order (Claude Code 2.1.x puts one mid-conversation),
//   joined with "\n". Claude Code's `x-anthropic-billing-header: …` block is dropped:
//   it is billing metadata, not an instruction, and it changes on every request.
// - Several text blocks of one message are joined by joinTextParts (a "\n" only where
//   the earlier block does not end with a line break).
// - A user message holding tool_result blocks becomes one `tool` entry per result. Any
//   text next to them (Claude Code's system reminders, a user's note on a rejected call)
//   is appended to the LAST result of that message, so the transcript still ends with
//   the tool results the session hands back on the parked stream; images there are
//   dropped (a tool result carries text only).
// - The last non-system message may be a user message or an assistant message
//   (prefill). Cursor cannot force a reply prefix, so a trailing assistant entry stays
//   in the transcript and the session's flattening shows it as context.
// - max_tokens is required on /v1/messages like Anthropic's API (count_tokens bodies
//   have none); it must be a positive integer. thinking.type "disabled" (or no thinking) hides thinking; any
//   other type (enabled, adaptive, future ones) shows it.
// - Tools with a `type` other than "custom" (web_search_20250305, bash_20250124, …) are
//   Anthropic server/built-in tools Cursor cannot run: skipped. tool_choice (and its
//   disable_parallel_tool_use) is honoured; cache_control, context_management,
//   output_config and unknown fields are ignored.
import type { ToolDefinition } from "../../cursor/types.ts";
import type { ChatRequest, TranscriptEntry, TranscriptToolCall } from "../../sessions/chat-request.ts";
import type { ImageInput } from "../../cursor/types.ts";
import { joinTextParts } from "../join-text.ts";
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
import { ANTHROPIC_TOOL_NAME, readToolDefinition, readToolList } from "../tool-definition.ts";
import { anthropicToolChoice } from "../tool-choice.ts";
import { parseBlock } from "./content-blocks.ts";
import { claudeCodeSessionId } from "./session-id.ts";

const BILLING_HEADER = /^x-anthropic-billing-header:/i;

export interface AnthropicParseOptions {
  /** Messages requests must say max_tokens, as Anthropic's API requires; count_tokens bodies need not (default true). */
  requireMaxTokens?: boolean;
}

export function parseAnthropicRequest(body: unknown, headers: Record<string, string | undefined>, options: AnthropicParseOptions = {}): ChatRequest {
  return guardParse(() => parse(body, headers, options.requireMaxTokens ?? true));
}

function parse(body: unknown, headers: Record<string, string | undefined>, requireMaxTokens: boolean): ChatRequest {
  const req = expectBody(body);
  const model = expectNonEmptyString(own(req, "model"), "model");
  const messages = expectArray(own(req, "messages"), "messages");
  if (messages.length === 0) throw invalid("messages", "must contain at least one message");

  const system = parseSystemParam(own(req, "system"));
  const transcript: TranscriptEntry[] = [];
  messages.forEach((m, i) => parseMessage(m, at("messages", i), system, transcript));
  if (transcript.length === 0) throw invalid("messages", "must contain at least one user or assistant message");
  if (requireMaxTokens && own(req, "max_tokens") == null) throw invalid("max_tokens", "Field required");

  const metadata = optionalObject(own(req, "metadata"), "metadata");
  const userId = metadata === undefined ? undefined : optionalString(own(metadata, "user_id"), "metadata.user_id");
  const tools = parseTools(own(req, "tools"));

  return {
    api: "anthropic",
    model,
    stream: optionalBoolean(own(req, "stream"), "stream") ?? false,
    system: system.join("\n"),
    transcript,
    tools,
    ...anthropicToolChoice(own(req, "tool_choice"), tools),
    maxTokens: optionalPositiveInt(own(req, "max_tokens"), "max_tokens"),
    sessionId: claudeCodeSessionId(userId, headers),
    showThinking: thinkingShown(own(req, "thinking")),
    includeUsage: true,
  };
}

function parseSystemParam(raw: unknown): string[] {
  if (raw === undefined || raw === null) return [];
  if (typeof raw === "string") return raw === "" ? [] : [raw];
  const out: string[] = [];
  expectArray(raw, "system").forEach((item, i) => {
    const path = at("system", i);
    const block = expectObject(item, path);
    const type = expectString(own(block, "type"), at(path, "type"));
    if (type !== "text") throw invalid(at(path, "type"), `expected "text", got ${quote(type)}`);
    const text = expectString(own(block, "text"), at(path, "text"));
    if (text !== "" && !BILLING_HEADER.test(text)) out.push(text);
  });
  return out;
}

function parseMessage(raw: unknown, path: string, system: string[], transcript: TranscriptEntry[]): void {
  const msg = expectObject(raw, path);
  const role = expectString(own(msg, "role"), at(path, "role"));
  const contentPath = at(path, "content");
  const content = own(msg, "content");
  if (typeof content !== "string" && !Array.isArray(content)) {
    throw invalid(contentPath, content === undefined ? "required (a string or an array of blocks)" : `expected a string or an array of blocks, got ${describe(content)}`);
  }
  switch (role) {
    case "system":
      system.push(...systemMessageText(content, contentPath));
      return;
    case "user":
      transcript.push(...userEntries(content, contentPath));
      return;
    case "assistant":
      transcript.push(assistantEntry(content, contentPath));
      return;
    default:
      throw invalid(at(path, "role"), `expected "user", "assistant" or "system", got ${quote(role)}`);
  }
}

function systemMessageText(content: string | unknown[], path: string): string[] {
  if (typeof content === "string") return content === "" ? [] : [content];
  const texts: string[] = [];
  content.forEach((item, i) => {
    const b = parseBlock(item, at(path, i));
    if (b.kind === "text") texts.push(b.text);
    else if (b.kind !== "dropped") throw invalid(at(at(path, i), "type"), "a system message may only hold text blocks");
  });
  const text = joinTextParts(texts);
  return text === "" ? [] : [text];
}

function userEntries(content: string | unknown[], path: string): TranscriptEntry[] {
  if (typeof content === "string") return [{ role: "user", text: content, images: [] }];
  const texts: string[] = [];
  const images: ImageInput[] = [];
  const results: Array<Extract<TranscriptEntry, { role: "tool" }>> = [];
  content.forEach((item, i) => {
    const b = parseBlock(item, at(path, i));
    switch (b.kind) {
      case "text":
        texts.push(b.text);
        break;
      case "image":
        images.push(b.image);
        break;
      case "tool_result":
        results.push({ role: "tool", toolCallId: b.toolUseId, content: b.content, isError: b.isError });
        break;
      case "tool_use":
        throw invalid(at(at(path, i), "type"), "tool_use blocks belong in assistant messages");
      case "dropped":
        break;
    }
  });
  const text = joinTextParts(texts);
  const last = results.at(-1);
  if (last === undefined) return [{ role: "user", text, images }];
  if (text !== "") last.content = joinTextParts([last.content, text]);
  return results;
}

function assistantEntry(content: string | unknown[], path: string): TranscriptEntry {
  if (typeof content === "string") return { role: "assistant", text: content, toolCalls: [] };
  const texts: string[] = [];
  const toolCalls: TranscriptToolCall[] = [];
  content.forEach((item, i) => {
    const b = parseBlock(item, at(path, i));
    if (b.kind === "text") texts.push(b.text);
    else if (b.kind === "tool_use") toolCalls.push({ id: b.id, name: b.name, argumentsJson: b.argumentsJson });
    else if (b.kind === "tool_result") throw invalid(at(at(path, i), "type"), "tool_result blocks belong in user messages");
    // images in an assistant message and dropped blocks: nothing to keep
  });
  return { role: "assistant", text: joinTextParts(texts), toolCalls };
}

function parseTools(raw: unknown): ToolDefinition[] {
  return readToolList(raw, (tool, path, seen) => {
    const type = optionalString(own(tool, "type"), at(path, "type"));
    if (type !== undefined && type !== "custom") return undefined; // server / built-in tool
    return readToolDefinition(tool, path, "input_schema", seen, ANTHROPIC_TOOL_NAME);
  });
}

function thinkingShown(raw: unknown): boolean {
  const thinking = optionalObject(raw, "thinking");
  if (thinking === undefined) return false;
  const type = expectString(own(thinking, "type"), "thinking.type");
  return type !== "disabled";
}
