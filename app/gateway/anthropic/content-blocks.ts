// One Anthropic content block → what the relay keeps of it. Text, base64 images,
// tool_use and tool_result matter; thinking from earlier turns, url/file images, PDFs
// and server-tool blocks are dropped without error (Cursor cannot use them, and
// Claude Code sends some of them back every turn); an unknown type is a 400.
import type { ImageInput } from "../../cursor/types.ts";
import { joinTextParts } from "../join-text.ts";
import {
  at,
  decodeBase64,
  describe,
  expectArray,
  expectNonEmptyString,
  expectObject,
  expectString,
  invalid,
  isObject,
  optionalBoolean,
  own,
  quote,
  type JsonObject,
} from "../validation.ts";

export type ParsedBlock =
  | { kind: "text"; text: string }
  | { kind: "image"; image: ImageInput }
  | { kind: "tool_use"; id: string; name: string; argumentsJson: string }
  | { kind: "tool_result"; toolUseId: string; content: string; isError: boolean }
  | { kind: "dropped" };

const DROPPED: ParsedBlock = { kind: "dropped" };

/** Anthropic block types the relay accepts and ignores (thinking replays, server tools, …). */
const IGNORED_TYPES = new Set([
  "thinking",
  "redacted_thinking",
  "server_tool_use",
  "web_search_tool_result",
  "web_fetch_tool_result",
  "code_execution_tool_result",
  "bash_code_execution_tool_result",
  "text_editor_code_execution_tool_result",
  "tool_search_tool_result",
  "mcp_tool_use",
  "mcp_tool_result",
  "container_upload",
]);

export function parseBlock(raw: unknown, path: string): ParsedBlock {
  const block = expectObject(raw, path);
  const type = expectString(own(block, "type"), at(path, "type"));
  switch (type) {
    case "text":
      return { kind: "text", text: expectString(own(block, "text"), at(path, "text")) };
    case "image":
      return parseImage(block, path);
    case "document":
      return parseDocument(block, path);
    case "search_result":
      return { kind: "text", text: textOfBlocks(own(block, "content"), at(path, "content")) };
    case "tool_use":
      return parseToolUse(block, path);
    case "tool_result":
      return parseToolResult(block, path);
    default:
      if (IGNORED_TYPES.has(type)) return DROPPED;
      throw invalid(at(path, "type"), `unknown block type ${quote(type)}`);
  }
}

function parseImage(block: JsonObject, path: string): ParsedBlock {
  const sourcePath = at(path, "source");
  const source = expectObject(own(block, "source"), sourcePath);
  const sourceType = expectString(own(source, "type"), at(sourcePath, "type"));
  if (sourceType !== "base64") return DROPPED; // url / file sources: Cursor only takes inline bytes
  const mimeType = expectString(own(source, "media_type"), at(sourcePath, "media_type"));
  if (!mimeType.startsWith("image/")) throw invalid(at(sourcePath, "media_type"), `expected an image type, got ${quote(mimeType)}`);
  const data = decodeBase64(expectString(own(source, "data"), at(sourcePath, "data")), at(sourcePath, "data"));
  return { kind: "image", image: { mimeType, data } };
}

/** Plain-text documents become text; PDFs, urls and files are ignored. */
function parseDocument(block: JsonObject, path: string): ParsedBlock {
  const sourcePath = at(path, "source");
  const source = expectObject(own(block, "source"), sourcePath);
  const sourceType = expectString(own(source, "type"), at(sourcePath, "type"));
  if (sourceType === "text") return { kind: "text", text: expectString(own(source, "data"), at(sourcePath, "data")) };
  if (sourceType === "content") return { kind: "text", text: textOfBlocks(own(source, "content"), at(sourcePath, "content")) };
  return DROPPED;
}

function parseToolUse(block: JsonObject, path: string): ParsedBlock {
  const id = expectNonEmptyString(own(block, "id"), at(path, "id"));
  const name = expectNonEmptyString(own(block, "name"), at(path, "name"));
  const input = own(block, "input");
  if (input !== undefined && input !== null && !isObject(input)) {
    throw invalid(at(path, "input"), `expected an object, got ${describe(input)}`);
  }
  return { kind: "tool_use", id, name, argumentsJson: JSON.stringify(input ?? {}) };
}

function parseToolResult(block: JsonObject, path: string): ParsedBlock {
  const idPath = at(path, "tool_use_id");
  const id = own(block, "tool_use_id");
  if (id === undefined || id === null) throw invalid(idPath, "required: the id of the tool_use this result answers");
  const toolUseId = expectNonEmptyString(id, idPath);
  const isError = optionalBoolean(own(block, "is_error"), at(path, "is_error")) ?? false;
  const content = own(block, "content");
  const contentPath = at(path, "content");
  const text = content === undefined || content === null ? "" : typeof content === "string" ? content : textOfBlocks(content, contentPath);
  return { kind: "tool_result", toolUseId, content: text, isError };
}

/** Text of a nested block list (tool_result / search_result content); images in it are dropped. */
function textOfBlocks(raw: unknown, path: string): string {
  if (typeof raw === "string") return raw;
  const texts: string[] = [];
  expectArray(raw, path).forEach((item, i) => {
    const b = parseBlock(item, at(path, i));
    if (b.kind === "text") texts.push(b.text);
    else if (b.kind === "tool_use" || b.kind === "tool_result") throw invalid(at(at(path, i), "type"), `a ${b.kind} block cannot be nested here`);
  });
  return joinTextParts(texts);
}
