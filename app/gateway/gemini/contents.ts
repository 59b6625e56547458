// Gemini `contents` (and a systemInstruction's parts) → the relay's transcript.
//
// - `role` is "user" (default when absent) or "model"; the old "function" role (function
//   responses) reads as "user". Text parts are joined with joinTextParts.
// - Parts marked `thought: true` are the model's own thinking replayed by the client:
//   context Cursor keeps in its checkpoint, so they are dropped. `thoughtSignature` is
//   ignored everywhere. inlineData images go to Cursor; other inlineData and fileData
//   (uploaded files Cursor cannot fetch) are refused; executableCode and
//   codeExecutionResult are dropped.
// - functionCall / functionResponse ids: Gemini CLI prefixes the ids it gets with
//   `<name>__`; the prefix is removed again when the rest is one of the relay's tool ids,
//   so a response finds its parked call. Calls without an id get one from their position,
//   and a response without an id answers the oldest unanswered call of the same name.
// - A functionResponse's text is `response.output` when that is its only field (Gemini
//   CLI's shape), `response.error` marks an error, anything else is sent as JSON.
import type { ImageInput } from "../../cursor/types.ts";
import type { TranscriptEntry, TranscriptToolCall } from "../../sessions/chat-request.ts";
import { CLIENT_TOOL_ID_PREFIX } from "../../sessions/tool-ids.ts";
import { joinTextParts } from "../join-text.ts";
import { at, decodeBase64, describe, expectArray, expectNonEmptyString, expectObject, expectString, invalid, isObject, optionalString, own, quote, type JsonObject } from "../validation.ts";

const IMAGE_TYPES = new Set(["image/png", "image/jpeg", "image/webp", "image/gif", "image/heic", "image/heif"]);

/** A part's text, unless the part is a replayed thought (or has no text). */
function visibleText(part: JsonObject, path: string): string | undefined {
  const text = optionalString(own(part, "text"), at(path, "text"));
  return own(part, "thought") === true ? undefined : text;
}

/** Text parts of a Content (systemInstruction), thoughts left out. */
export function contentText(content: JsonObject, path: string): string {
  const partsPath = at(path, "parts");
  const texts: string[] = [];
  expectArray(own(content, "parts"), partsPath).forEach((raw, i) => {
    const text = visibleText(expectObject(raw, at(partsPath, i)), at(partsPath, i));
    if (text !== undefined) texts.push(text);
  });
  return joinTextParts(texts);
}

interface OpenCall {
  id: string;
  name: string;
  answered: boolean;
}

export function readTranscript(contents: unknown[]): TranscriptEntry[] {
  const transcript: TranscriptEntry[] = [];
  const calls: OpenCall[] = [];
  contents.forEach((raw, i) => {
    const path = at("contents", i);
    const content = expectObject(raw, path);
    const role = optionalString(own(content, "role"), at(path, "role")) ?? "user";
    const parts = expectArray(own(content, "parts"), at(path, "parts"));
    if (role === "model") transcript.push(modelEntry(parts, at(path, "parts"), i, calls));
    else if (role === "user" || role === "function") transcript.push(...userEntries(parts, at(path, "parts"), calls));
    else throw invalid(at(path, "role"), `expected "user" or "model", got ${quote(role)}`);
  });
  return transcript;
}

/** The relay's id behind Gemini CLI's `<name>__<id>`; other ids are kept as sent. */
function callIdOf(raw: string, name: string): string {
  const prefix = `${name}__`;
  if (raw.startsWith(prefix) && raw.slice(prefix.length).startsWith(CLIENT_TOOL_ID_PREFIX)) return raw.slice(prefix.length);
  return raw;
}

function modelEntry(parts: unknown[], path: string, contentIndex: number, calls: OpenCall[]): TranscriptEntry {
  const texts: string[] = [];
  const toolCalls: TranscriptToolCall[] = [];
  parts.forEach((raw, i) => {
    const p = at(path, i);
    const part = expectObject(raw, p);
    const fc = own(part, "functionCall");
    if (fc !== undefined && fc !== null) {
      const fcPath = at(p, "functionCall");
      const call = expectObject(fc, fcPath);
      const name = expectNonEmptyString(own(call, "name"), at(fcPath, "name"));
      const rawId = optionalString(own(call, "id"), at(fcPath, "id"));
      const id = rawId === undefined || rawId === "" ? `gemini_call_${contentIndex}_${i}` : callIdOf(rawId, name);
      const args = own(call, "args");
      if (args !== undefined && args !== null && !isObject(args)) throw invalid(at(fcPath, "args"), `expected an object, got ${describe(args)}`);
      toolCalls.push({ id, name, argumentsJson: JSON.stringify(args ?? {}) });
      calls.push({ id, name, answered: false });
      return;
    }
    const text = visibleText(part, p);
    if (text !== undefined) texts.push(text);
    // thoughts, inlineData, executableCode, … in a model turn: nothing Cursor needs back
  });
  return { role: "assistant", text: joinTextParts(texts), toolCalls };
}

function userEntries(parts: unknown[], path: string, calls: OpenCall[]): TranscriptEntry[] {
  const texts: string[] = [];
  const images: ImageInput[] = [];
  const results: Array<Extract<TranscriptEntry, { role: "tool" }>> = [];
  parts.forEach((raw, i) => {
    const p = at(path, i);
    const part = expectObject(raw, p);
    const fr = own(part, "functionResponse");
    if (fr !== undefined && fr !== null) {
      results.push(functionResponse(expectObject(fr, at(p, "functionResponse")), at(p, "functionResponse"), calls));
      return;
    }
    const fc = own(part, "functionCall");
    if (fc !== undefined && fc !== null) throw invalid(at(p, "functionCall"), "functionCall parts belong in contents with role \"model\"");
    const inline = own(part, "inlineData");
    if (inline !== undefined && inline !== null) {
      images.push(inlineImage(expectObject(inline, at(p, "inlineData")), at(p, "inlineData")));
      return;
    }
    const file = own(part, "fileData");
    if (file !== undefined && file !== null) {
      throw invalid(at(p, "fileData"), "file references are not supported by this relay; send the content inline (text or inlineData)");
    }
    const text = visibleText(part, p);
    if (text !== undefined) texts.push(text);
  });
  const text = joinTextParts(texts);
  const last = results.at(-1);
  if (last === undefined) return [{ role: "user", text, images }];
  if (text !== "") last.content = joinTextParts([last.content, text]);
  return results;
}

function functionResponse(fr: JsonObject, path: string, calls: OpenCall[]): Extract<TranscriptEntry, { role: "tool" }> {
  const name = expectNonEmptyString(own(fr, "name"), at(path, "name"));
  const rawId = optionalString(own(fr, "id"), at(path, "id"));
  let id: string;
  if (rawId !== undefined && rawId !== "") id = callIdOf(rawId, name);
  else {
    const open = calls.find((c) => !c.answered && c.name === name);
    id = open?.id ?? `gemini_call_${name}`;
  }
  const answered = calls.find((c) => c.id === id);
  if (answered) answered.answered = true;
  const response = own(fr, "response");
  const { text, isError } = responseText(response, at(path, "response"));
  return { role: "tool", toolCallId: id, content: text, isError };
}

function responseText(response: unknown, path: string): { text: string; isError: boolean } {
  if (response === undefined || response === null) return { text: "", isError: false };
  if (!isObject(response)) throw invalid(path, `expected an object, got ${describe(response)}`);
  const keys = Object.keys(response);
  const only = keys.length === 1 ? keys[0] : undefined;
  const value = only === undefined ? undefined : response[only];
  if ((only === "output" || only === "error") && typeof value === "string") return { text: value, isError: only === "error" };
  return { text: JSON.stringify(response), isError: keys.length === 1 && only === "error" };
}

function inlineImage(inline: JsonObject, path: string): ImageInput {
  const mimeType = expectString(own(inline, "mimeType"), at(path, "mimeType")).toLowerCase();
  if (!IMAGE_TYPES.has(mimeType)) throw invalid(at(path, "mimeType"), `only images can be sent inline here, got ${quote(mimeType)}`);
  return { mimeType, data: decodeBase64(expectString(own(inline, "data"), at(path, "data")), at(path, "data")) };
}
