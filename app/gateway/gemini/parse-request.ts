// A Gemini generateContent / streamGenerateContent / countTokens body → the relay's
// neutral ChatRequest. The model and whether to stream come from the URL, not the body.
//
// Decisions:
// - `contents[].role` is "user" (default when absent) or "model"; the old "function"
//   role (function responses) reads as "user". Text parts are joined with joinTextParts.
// - Parts marked `thought: true` are the model's own thinking replayed by the client:
//   context Cursor keeps in its checkpoint, so they are dropped. `thoughtSignature` is
//   ignored everywhere. inlineData images go to Cursor; other inlineData, fileData
//   (uploaded files Cursor cannot fetch), executableCode and codeExecutionResult are
//   refused or dropped as noted below.
// - functionCall / functionResponse ids: Gemini CLI prefixes the ids it gets with
//   `<name>__`; the prefix is removed again when the rest is one of the relay's tool ids,
//   so a response finds its parked call. Calls without an id get one from their position,
//   and a response without an id answers the oldest unanswered call of the same name.
// - A functionResponse's text is `response.output` when that is its only field (Gemini
//   CLI's shape), `response.error` marks an error, anything else is sent as JSON.
// - tools: functionDeclarations only (googleSearch, codeExecution, … are Google-hosted
//   tools Cursor cannot run: skipped). `parametersJsonSchema` is JSON Schema already;
//   `parameters` is converted from Gemini's schema dialect.
// - toolConfig.functionCallingConfig: allowedFunctionNames narrows the declared tools; the
//   mode travels as ChatRequest.toolChoice (NONE → none, ANY → required, or the one tool
//   when exactly one is allowed), which the session layer turns into what Cursor is offered.
// - generationConfig: maxOutputTokens, thinkingConfig.includeThoughts (show Cursor's
//   thinking as thought parts) and responseMimeType "application/json" with
//   responseSchema / responseJsonSchema (an instruction to answer JSON matching it);
//   candidateCount > 1 is refused; sampling parameters are ignored.
import type { ImageInput, ToolDefinition } from "../../cursor/types.ts";
import type { ChatRequest, ToolChoice, TranscriptEntry, TranscriptToolCall } from "../../sessions/chat-request.ts";
import { CLIENT_TOOL_ID_PREFIX } from "../../sessions/tool-ids.ts";
import { joinTextParts } from "../join-text.ts";
import {
  at,
  decodeBase64,
  describe,
  expectArray,
  expectBody,
  expectNonEmptyString,
  expectObject,
  expectString,
  guardParse,
  invalid,
  isObject,
  optionalBoolean,
  optionalObject,
  optionalPositiveInt,
  optionalString,
  own,
  quote,
  type JsonObject,
} from "../validation.ts";
import { geminiSchemaToJsonSchema } from "./schema.ts";

export interface GeminiCall {
  /** The model from the URL (`models/<model>:…`), without the `models/` prefix. */
  model: string;
  stream: boolean;
}

export interface GeminiRequest {
  chat: ChatRequest;
  /** responseMimeType application/json: the answer must be one JSON value. */
  jsonOutput: boolean;
}

const IMAGE_TYPES = new Set(["image/png", "image/jpeg", "image/webp", "image/gif", "image/heic", "image/heif"]);

export function parseGeminiRequest(body: unknown, call: GeminiCall): GeminiRequest {
  return guardParse(() => parse(body, call));
}

function parse(body: unknown, call: GeminiCall): GeminiRequest {
  const req = expectBody(body);
  // countTokens may wrap the request: {generateContentRequest: {...}}.
  const inner = optionalObject(own(req, "generateContentRequest"), "generateContentRequest");
  const src = inner ?? req;
  const contents = expectArray(own(src, "contents"), "contents");
  if (contents.length === 0) throw invalid("contents", "must contain at least one content");
  const transcript = readTranscript(contents);
  if (transcript.length === 0) throw invalid("contents", "must contain at least one part with text, an image, a functionCall or a functionResponse");

  const system: string[] = [];
  const sys = own(src, "systemInstruction");
  if (sys !== undefined && sys !== null) {
    const text = typeof sys === "string" ? sys : contentText(expectObject(sys, "systemInstruction"), "systemInstruction");
    if (text !== "") system.push(text);
  }

  const gen = optionalObject(own(src, "generationConfig"), "generationConfig") ?? {};
  const candidates = optionalPositiveInt(own(gen, "candidateCount"), "generationConfig.candidateCount");
  if (candidates !== undefined && candidates > 1) throw invalid("generationConfig.candidateCount", `only one candidate per request is supported, got ${candidates}`);
  const thinking = optionalObject(own(gen, "thinkingConfig"), "generationConfig.thinkingConfig");
  const showThinking = thinking === undefined ? false : (optionalBoolean(own(thinking, "includeThoughts"), "generationConfig.thinkingConfig.includeThoughts") ?? false);
  const jsonOutput = readJsonOutput(gen, system);

  const toolConfig = readToolConfig(own(src, "toolConfig"));
  const tools = applyToolConfig(readTools(own(src, "tools")), toolConfig);
  const toolChoice = toolChoiceOf(toolConfig);
  return {
    chat: {
      api: "gemini",
      model: call.model,
      stream: call.stream,
      system: system.join("\n"),
      transcript,
      tools,
      maxTokens: optionalPositiveInt(own(gen, "maxOutputTokens"), "generationConfig.maxOutputTokens"),
      sessionId: null,
      showThinking,
      includeUsage: true,
      ...(toolChoice !== undefined ? { toolChoice } : {}),
    },
    jsonOutput,
  };
}

/** Text parts of a Content (systemInstruction), thoughts left out. */
function contentText(content: JsonObject, path: string): string {
  const parts = expectArray(own(content, "parts"), at(path, "parts"));
  const texts: string[] = [];
  parts.forEach((raw, i) => {
    const part = expectObject(raw, at(at(path, "parts"), i));
    const text = optionalString(own(part, "text"), at(at(at(path, "parts"), i), "text"));
    if (text !== undefined && own(part, "thought") !== true) texts.push(text);
  });
  return joinTextParts(texts);
}

interface OpenCall {
  id: string;
  name: string;
  answered: boolean;
}

function readTranscript(contents: unknown[]): TranscriptEntry[] {
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
    const text = optionalString(own(part, "text"), at(p, "text"));
    if (text !== undefined && own(part, "thought") !== true) texts.push(text);
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
    const text = optionalString(own(part, "text"), at(p, "text"));
    if (text !== undefined && own(part, "thought") !== true) texts.push(text);
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

function readTools(raw: unknown): ToolDefinition[] {
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

function functionDeclaration(decl: JsonObject, path: string, seen: Set<string>): ToolDefinition {
  const name = expectNonEmptyString(own(decl, "name"), at(path, "name"));
  if (seen.has(name)) throw invalid(at(path, "name"), `duplicate tool name ${quote(name)}`);
  seen.add(name);
  const jsonSchema = own(decl, "parametersJsonSchema");
  const geminiSchema = own(decl, "parameters");
  let inputSchema: unknown = { type: "object", properties: {} };
  if (jsonSchema !== undefined && jsonSchema !== null) inputSchema = expectObject(jsonSchema, at(path, "parametersJsonSchema"));
  else if (geminiSchema !== undefined && geminiSchema !== null) inputSchema = geminiSchemaToJsonSchema(geminiSchema, at(path, "parameters"));
  return { name, description: optionalString(own(decl, "description"), at(path, "description")) ?? "", inputSchema };
}

interface ToolConfig {
  choice?: "auto" | "none" | "required";
  allowedNames?: string[];
}

const CHOICES: Record<string, ToolConfig["choice"]> = { AUTO: "auto", VALIDATED: "auto", MODE_UNSPECIFIED: undefined, ANY: "required", NONE: "none" };

function readToolConfig(raw: unknown): ToolConfig {
  const config = optionalObject(raw, "toolConfig");
  const path = "toolConfig.functionCallingConfig";
  const fcc = config === undefined ? undefined : optionalObject(own(config, "functionCallingConfig"), path);
  if (fcc === undefined) return {};
  const mode = (optionalString(own(fcc, "mode"), at(path, "mode")) ?? "MODE_UNSPECIFIED").toUpperCase();
  if (!Object.hasOwn(CHOICES, mode)) throw invalid(at(path, "mode"), `expected "AUTO", "ANY", "NONE" or "VALIDATED", got ${quote(mode)}`);
  const out: ToolConfig = {};
  const choice = CHOICES[mode];
  if (choice !== undefined) out.choice = choice;
  const allowedRaw = own(fcc, "allowedFunctionNames");
  if (allowedRaw !== undefined && allowedRaw !== null) {
    out.allowedNames = expectArray(allowedRaw, at(path, "allowedFunctionNames")).map((n, i) => expectString(n, at(at(path, "allowedFunctionNames"), i)));
  }
  return out;
}

function toolChoiceOf(config: ToolConfig): ToolChoice | undefined {
  if (config.choice === "required" && config.allowedNames?.length === 1) return { mode: "tool", name: config.allowedNames[0]! };
  return config.choice === undefined ? undefined : { mode: config.choice };
}

function applyToolConfig(tools: ToolDefinition[], config: ToolConfig): ToolDefinition[] {
  let allowed = tools;
  if (config.allowedNames !== undefined) {
    const names = config.allowedNames;
    for (const [i, n] of names.entries()) {
      if (!tools.some((t) => t.name === n)) throw invalid(`toolConfig.functionCallingConfig.allowedFunctionNames.${i}`, `no function declaration is named ${quote(n)}`);
    }
    allowed = tools.filter((t) => names.includes(t.name));
  }
  return allowed;
}

function readJsonOutput(gen: JsonObject, system: string[]): boolean {
  const mime = optionalString(own(gen, "responseMimeType"), "generationConfig.responseMimeType");
  if (mime === undefined || mime.toLowerCase() !== "application/json") return false;
  const jsonSchema = own(gen, "responseJsonSchema");
  const geminiSchema = own(gen, "responseSchema");
  let schema: JsonObject | undefined;
  if (jsonSchema !== undefined && jsonSchema !== null) schema = geminiSchemaToJsonSchema(jsonSchema, "generationConfig.responseJsonSchema");
  else if (geminiSchema !== undefined && geminiSchema !== null) schema = geminiSchemaToJsonSchema(geminiSchema, "generationConfig.responseSchema");
  system.push(
    schema === undefined
      ? "Answer with one JSON value only: no prose and no Markdown code fence."
      : `Answer with one JSON value only, matching this JSON Schema: no prose and no Markdown code fence.\n${JSON.stringify(schema)}`,
  );
  return true;
}
