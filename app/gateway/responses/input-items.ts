// Responses API `input` (a string, or a list of items) → system text and the neutral
// transcript.
//
// - `message` items: `developer`/`system` text joins the system prompt; `user` gives a
//   user entry (input_text + base64 input_image parts); `assistant` gives assistant text
//   (output_text / refusal parts).
// - `function_call` / `custom_tool_call` items become tool calls of the assistant entry
//   they follow (parallel calls stay in one assistant turn), named as Cursor knows them
//   (`<namespace>__<name>` for namespaced tools, arguments `{"input": …}` for freeform
//   ones); `*_output` items become tool results.
// - `reasoning` items are the model's earlier thinking, which Cursor keeps in its own
//   checkpoint: skipped, like the display-only records of hosted tools.
// - `additional_tools` items (how Codex declares its tools for newer models) add to the
//   request's tools.
// - `item_reference` needs stored items the relay does not keep: a 400.
import type { ImageInput } from "../../cursor/types.ts";
import type { TranscriptEntry, TranscriptToolCall } from "../../sessions/chat-request.ts";
import { imageFromDataUrl, isDataUrl } from "../data-url-image.ts";
import { joinTextParts } from "../join-text.ts";
import { at, describe, expectArray, expectNonEmptyString, expectObject, expectString, invalid, optionalString, own, quote, type JsonObject } from "../validation.ts";
import { cursorToolName } from "./tools.ts";

export interface ParsedInput {
  system: string[];
  transcript: TranscriptEntry[];
  /** `tools` of additional_tools items, in order. */
  additionalTools: Array<{ tools: unknown; path: string }>;
}

const SKIPPED_ITEMS = new Set(["reasoning", "web_search_call", "image_generation_call", "file_search_call", "compaction", "compaction_summary"]);

export function parseInput(raw: unknown, out: ParsedInput): void {
  if (typeof raw === "string") {
    out.transcript.push({ role: "user", text: raw, images: [] });
    return;
  }
  expectArray(raw, "input").forEach((item, i) => parseItem(expectObject(item, at("input", i)), at("input", i), out));
}

function parseItem(item: JsonObject, path: string, out: ParsedInput): void {
  // An EasyInputMessage may omit `type`; it is then a message.
  const type = optionalString(own(item, "type"), at(path, "type")) ?? "message";
  switch (type) {
    case "message":
      return parseMessage(item, path, out);
    case "function_call":
    case "custom_tool_call":
      return addToolCall(item, path, type === "custom_tool_call", out.transcript);
    case "function_call_output":
    case "custom_tool_call_output":
      out.transcript.push({
        role: "tool",
        toolCallId: expectNonEmptyString(own(item, "call_id"), at(path, "call_id")),
        content: outputText(own(item, "output"), at(path, "output")),
        isError: false,
      });
      return;
    case "additional_tools":
      out.additionalTools.push({ tools: own(item, "tools"), path: at(path, "tools") });
      return;
    case "item_reference":
      throw invalid(at(path, "type"), "item_reference is not supported: the relay stores no items; send the items themselves");
    default:
      if (SKIPPED_ITEMS.has(type)) return;
      throw invalid(at(path, "type"), `unknown input item type ${quote(type)}`);
  }
}

function parseMessage(item: JsonObject, path: string, out: ParsedInput): void {
  const role = expectString(own(item, "role"), at(path, "role"));
  const contentPath = at(path, "content");
  switch (role) {
    case "system":
    case "developer": {
      const { text } = parseContent(own(item, "content"), contentPath);
      if (text !== "") out.system.push(text);
      return;
    }
    case "user": {
      const { text, images } = parseContent(own(item, "content"), contentPath);
      out.transcript.push({ role: "user", text, images });
      return;
    }
    case "assistant": {
      const { text } = parseContent(own(item, "content"), contentPath);
      out.transcript.push({ role: "assistant", text, toolCalls: [] });
      return;
    }
    default:
      throw invalid(at(path, "role"), `expected "user", "assistant", "system" or "developer", got ${quote(role)}`);
  }
}

function addToolCall(item: JsonObject, path: string, custom: boolean, transcript: TranscriptEntry[]): void {
  const name = expectNonEmptyString(own(item, "name"), at(path, "name"));
  const namespace = optionalString(own(item, "namespace"), at(path, "namespace"));
  const call: TranscriptToolCall = {
    id: expectNonEmptyString(own(item, "call_id"), at(path, "call_id")),
    name: cursorToolName(name, namespace),
    argumentsJson: custom
      ? JSON.stringify({ input: expectString(own(item, "input"), at(path, "input")) })
      : argumentsJsonOf(own(item, "arguments"), at(path, "arguments")),
  };
  const last = transcript[transcript.length - 1];
  if (last?.role === "assistant") last.toolCalls.push(call);
  else transcript.push({ role: "assistant", text: "", toolCalls: [call] });
}

function argumentsJsonOf(raw: unknown, path: string): string {
  if (typeof raw === "string") return raw === "" ? "{}" : raw;
  throw invalid(path, raw === undefined ? "required (a JSON string)" : `expected a JSON string, got ${describe(raw)}`);
}

/** A tool output: a string, or a list of content parts whose text is kept. */
function outputText(raw: unknown, path: string): string {
  if (typeof raw === "string") return raw;
  return parseContent(raw, path).text;
}

interface Content {
  text: string;
  images: ImageInput[];
}

function parseContent(raw: unknown, path: string): Content {
  if (typeof raw === "string") return { text: raw, images: [] };
  const texts: string[] = [];
  const images: ImageInput[] = [];
  expectArray(raw, path).forEach((p, i) => {
    const partPath = at(path, i);
    const part = expectObject(p, partPath);
    const type = expectString(own(part, "type"), at(partPath, "type"));
    switch (type) {
      case "input_text":
      case "output_text":
      case "text":
        texts.push(expectString(own(part, "text"), at(partPath, "text")));
        return;
      case "refusal":
        texts.push(expectString(own(part, "refusal"), at(partPath, "refusal")));
        return;
      case "input_image": {
        const image = imageOf(part, partPath);
        if (image) images.push(image);
        return;
      }
      case "input_file":
      case "input_audio":
        return; // nothing Cursor's turn can carry
      default:
        throw invalid(at(partPath, "type"), `unknown content part type ${quote(type)}`);
    }
  });
  return { text: joinTextParts(texts), images };
}

/** A base64 `data:` image_url; a remote URL or a file_id is skipped (the relay fetches nothing). */
function imageOf(part: JsonObject, path: string): ImageInput | null {
  const url = optionalString(own(part, "image_url"), at(path, "image_url"));
  if (url === undefined || !isDataUrl(url)) return null;
  return imageFromDataUrl(url, at(path, "image_url"));
}
