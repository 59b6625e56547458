// One client request to the relay, read to its end and checked against
// the client API's wire format: a complete answer (Anthropic Messages or OpenAI Chat
// Completions, streaming or not), or a well-formed error — an error status with the
// client's own error body, or an error event that ends a started stream. Anything else
// (a stream that stops without its end marker, events out of order, a body in the wrong
// format, a request past its deadline) throws. Plain node:http, so a caller controls its
// connections.
import { request as httpRequest, type Agent, type IncomingMessage } from "node:http";
import { readSse } from "../support/sse.ts";

export type Api = "anthropic" | "openai";

export interface ToolUse {
  id: string;
  name: string;
  input: Record<string, unknown>;
}

export type Outcome =
  | { ok: true; status: 200; text: string; toolUses: ToolUse[]; stop: string; outputTokens: number; ms: number }
  | {
      ok: false;
      status: number;
      /** "status": an error response; "event": an error event after the stream started. */
      via: "status" | "event";
      errorType: string;
      message: string;
      retryAfterMs: number | null;
      /** Text the client saw before the error event. */
      partialText: string;
      ms: number;
    };

/** An Outcome before its timing is known. */
type Result = Outcome extends infer O ? (O extends unknown ? Omit<O, "ms"> : never) : never;

export class ProtocolViolation extends Error {}
export class DeadlineExceeded extends Error {}

export interface ChatCall {
  url: string;
  key: string;
  api: Api;
  stream: boolean;
  body: Record<string, unknown>;
  deadlineMs: number;
  /** The connection(s) to use: a conversation keeps one keep-alive connection, like a client does. */
  agent?: Agent;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function check(cond: unknown, what: string, detail?: unknown): asserts cond {
  if (!cond) throw new ProtocolViolation(detail === undefined ? what : `${what}: ${JSON.stringify(detail).slice(0, 400)}`);
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new ProtocolViolation(`${what} is not JSON: ${JSON.stringify(text.slice(0, 200))}`);
  }
}

/** A response as far as the checks need it: status, headers, and the body as an async iterable. */
interface RawResponse {
  status: number;
  header(name: string): string | null;
  body: AsyncIterable<Uint8Array>;
}

/** One POST over node:http on the conversation's own keep-alive connection; `signal` destroys it. */
function post(call: ChatCall, path: string, headers: Record<string, string>, body: string, signal: AbortSignal): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(call.url + path, { method: "POST", headers: { ...headers, "content-length": String(Buffer.byteLength(body)) }, agent: call.agent });
    const abort = () => req.destroy(new DeadlineExceeded(`no complete response within ${call.deadlineMs} ms`));
    signal.addEventListener("abort", abort, { once: true });
    req.on("error", (e) => {
      signal.removeEventListener("abort", abort);
      reject(e);
    });
    req.on("response", (res: IncomingMessage) => {
      res.on("close", () => signal.removeEventListener("abort", abort));
      resolve({
        status: res.statusCode ?? 0,
        header: (name) => {
          const v = res.headers[name];
          return v === undefined ? null : Array.isArray(v) ? v.join(", ") : v;
        },
        body: res,
      });
    });
    req.end(body);
  });
}

async function readText(body: AsyncIterable<Uint8Array>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of body) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks).toString("utf8");
}

export async function sendChat(call: ChatCall): Promise<Outcome> {
  const started = performance.now();
  const signal = AbortSignal.timeout(call.deadlineMs);
  const path = call.api === "anthropic" ? "/v1/messages" : "/v1/chat/completions";
  const headers: Record<string, string> =
    call.api === "anthropic"
      ? { "content-type": "application/json", "x-api-key": call.key, "anthropic-version": "2023-06-01" }
      : { "content-type": "application/json", authorization: `Bearer ${call.key}` };
  try {
    const res = await post(call, path, headers, JSON.stringify({ ...call.body, stream: call.stream }), signal);
    const ms = () => performance.now() - started;
    const type = res.header("content-type") ?? "";
    if (res.status !== 200) {
      check(type.startsWith("application/json"), `an error response must be JSON (status ${res.status})`, type);
      const body = parseJson(await readText(res.body), "the error body");
      return { ...errorFromBody(call.api, body, "status"), status: res.status, retryAfterMs: retryAfter(res), partialText: "", ms: ms() };
    }
    if (!call.stream) {
      check(type.startsWith("application/json"), "a non-streaming answer must be JSON", type);
      const body = parseJson(await readText(res.body), "the answer");
      return { ...(call.api === "anthropic" ? anthropicMessage(body) : openAiCompletion(body)), ms: ms() };
    }
    check(type.startsWith("text/event-stream"), "a streaming answer must be an event stream", type);
    const r = call.api === "anthropic" ? await anthropicStream(res.body) : await openAiStream(res.body);
    return { ...r, ms: ms() };
  } catch (e) {
    if (signal.aborted) throw new DeadlineExceeded(`no complete response within ${call.deadlineMs} ms`);
    throw e;
  }
}

function retryAfter(res: RawResponse): number | null {
  const ms = res.header("retry-after-ms");
  if (ms !== null) return Number(ms);
  const s = res.header("retry-after");
  return s === null ? null : Number(s) * 1000;
}

function errorFromBody(api: Api, body: unknown, via: "status" | "event"): { ok: false; via: "status" | "event"; errorType: string; message: string } {
  if (api === "anthropic") {
    check(isObject(body) && body.type === "error" && isObject(body.error), "an Anthropic error body", body);
    const { type, message } = body.error as Record<string, unknown>;
    check(typeof type === "string" && (type.endsWith("_error") || type === "request_too_large"), "an Anthropic error type", type);
    check(typeof message === "string" && message.length > 0, "an Anthropic error message", body);
    return { ok: false, via, errorType: type as string, message };
  }
  check(isObject(body) && isObject(body.error), "an OpenAI error body", body);
  const { type, message, code } = body.error as Record<string, unknown>;
  check(typeof type === "string" && typeof message === "string" && message.length > 0 && typeof code === "string", "an OpenAI error", body);
  return { ok: false, via, errorType: type, message };
}

// ---- Anthropic ----

function anthropicMessage(body: unknown): Omit<Extract<Outcome, { ok: true }>, "ms"> {
  check(isObject(body) && body.type === "message" && body.role === "assistant" && Array.isArray(body.content), "an Anthropic message", body);
  let text = "";
  const toolUses: ToolUse[] = [];
  for (const block of body.content as unknown[]) {
    check(isObject(block), "a content block", block);
    if (block.type === "text") text += String(block.text);
    else if (block.type === "tool_use") {
      check(typeof block.id === "string" && typeof block.name === "string" && isObject(block.input), "a tool_use block", block);
      toolUses.push({ id: block.id, name: block.name, input: block.input });
    } else check(block.type === "thinking", "a known content block type", block);
  }
  check(typeof body.stop_reason === "string", "stop_reason", body);
  const usage = body.usage as Record<string, unknown> | undefined;
  check(isObject(usage) && typeof usage.output_tokens === "number" && typeof usage.input_tokens === "number", "usage", body);
  return { ok: true, status: 200, text, toolUses, stop: body.stop_reason as string, outputTokens: usage.output_tokens as number };
}

async function anthropicStream(body: AsyncIterable<Uint8Array>): Promise<Result> {
  let started = false;
  let open: { index: number; type: string; json: string; id?: string; name?: string } | null = null;
  let nextIndex = 0;
  let stop: string | null = null;
  let outputTokens = 0;
  let text = "";
  const toolUses: ToolUse[] = [];
  let result: Result | null = null;
  for await (const ev of readSse(body)) {
    check(result === null, "an event after the end of the message", ev);
    const data = parseJson(ev.data, `the data of ${ev.event}`);
    check(isObject(data) && data.type === ev.event, "the data type names the event", ev);
    if (ev.event !== "message_start" && ev.event !== "error") check(started, "message_start comes first", ev);
    switch (ev.event) {
      case "message_start":
        check(!started, "one message_start");
        started = true;
        check(isObject(data.message) && data.message.role === "assistant", "message_start carries the message", data);
        break;
      case "ping":
        break;
      case "content_block_start": {
        check(open === null && data.index === nextIndex, "blocks open one at a time, in order", data);
        const block = data.content_block as Record<string, unknown>;
        check(isObject(block) && typeof block.type === "string", "content_block", data);
        open = { index: nextIndex++, type: block.type as string, json: "" };
        if (block.type === "tool_use") {
          check(typeof block.id === "string" && typeof block.name === "string", "a tool_use block", block);
          open.id = block.id as string;
          open.name = block.name as string;
        }
        break;
      }
      case "content_block_delta": {
        check(open !== null && data.index === open.index, "a delta for the open block", data);
        const delta = data.delta as Record<string, unknown>;
        check(isObject(delta), "delta", data);
        if (delta.type === "text_delta") {
          check(open.type === "text" && typeof delta.text === "string", "text_delta in a text block", data);
          text += delta.text;
        } else if (delta.type === "input_json_delta") {
          check(open.type === "tool_use" && typeof delta.partial_json === "string", "input_json_delta in a tool_use block", data);
          open.json += delta.partial_json;
        } else check(open.type === "thinking" && (delta.type === "thinking_delta" || delta.type === "signature_delta"), "a thinking delta", data);
        break;
      }
      case "content_block_stop":
        check(open !== null && data.index === open.index, "content_block_stop for the open block", data);
        if (open.type === "tool_use") {
          const input = parseJson(open.json === "" ? "{}" : open.json, "tool input");
          check(isObject(input), "tool input is an object", input);
          toolUses.push({ id: open.id!, name: open.name!, input });
        }
        open = null;
        break;
      case "message_delta": {
        check(open === null && stop === null, "message_delta after every block is closed, once", data);
        const delta = data.delta as Record<string, unknown>;
        check(isObject(delta) && typeof delta.stop_reason === "string", "stop_reason", data);
        stop = delta.stop_reason as string;
        const usage = data.usage as Record<string, unknown>;
        check(isObject(usage) && typeof usage.output_tokens === "number", "usage", data);
        outputTokens = usage.output_tokens as number;
        break;
      }
      case "message_stop":
        check(stop !== null, "message_stop after message_delta");
        result = { ok: true, status: 200, text, toolUses, stop, outputTokens };
        break;
      case "error":
        result = { ...errorFromBody("anthropic", data, "event"), status: 200, retryAfterMs: null, partialText: text };
        break;
      default:
        throw new ProtocolViolation(`unknown event ${ev.event}`);
    }
  }
  check(result !== null, "the stream ends with message_stop or an error event");
  return result;
}

// ---- OpenAI ----

function openAiCompletion(body: unknown): Omit<Extract<Outcome, { ok: true }>, "ms"> {
  check(isObject(body) && body.object === "chat.completion" && Array.isArray(body.choices), "an OpenAI completion", body);
  const choice = (body.choices as unknown[])[0];
  check(isObject(choice) && isObject(choice.message) && typeof choice.finish_reason === "string", "choices[0]", body);
  const message = choice.message as Record<string, unknown>;
  check(message.role === "assistant", "the assistant role", body);
  const toolUses = toolCallsOf(message.tool_calls);
  const usage = body.usage as Record<string, unknown>;
  check(isObject(usage) && typeof usage.completion_tokens === "number", "usage", body);
  return {
    ok: true,
    status: 200,
    text: typeof message.content === "string" ? message.content : "",
    toolUses,
    stop: choice.finish_reason as string,
    outputTokens: usage.completion_tokens as number,
  };
}

function toolCallsOf(raw: unknown): ToolUse[] {
  if (raw === undefined || raw === null) return [];
  check(Array.isArray(raw), "tool_calls", raw);
  return raw.map((c: unknown) => {
    check(isObject(c) && typeof c.id === "string" && c.type === "function" && isObject(c.function), "a tool call", c);
    const fn = c.function as Record<string, unknown>;
    check(typeof fn.name === "string" && typeof fn.arguments === "string", "a function call", c);
    const input = parseJson(fn.arguments as string, "tool arguments");
    check(isObject(input), "tool arguments are an object", input);
    return { id: c.id as string, name: fn.name as string, input };
  });
}

async function openAiStream(body: AsyncIterable<Uint8Array>): Promise<Result> {
  let text = "";
  let finish: string | null = null;
  let outputTokens = 0;
  const calls: unknown[] = [];
  let result: Result | null = null;
  for await (const ev of readSse(body)) {
    check(result === null, "a chunk after the end", ev);
    check(ev.event === null, "OpenAI chunks are unnamed events", ev);
    if (ev.data === "[DONE]") {
      check(finish !== null, "[DONE] after a finish_reason");
      result = { ok: true, status: 200, text, toolUses: toolCallsOf(calls), stop: finish, outputTokens };
      continue;
    }
    const data = parseJson(ev.data, "a chunk");
    check(isObject(data), "a chunk object", data);
    if ("error" in data) {
      result = { ...errorFromBody("openai", data, "event"), status: 200, retryAfterMs: null, partialText: text };
      continue;
    }
    check(data.object === "chat.completion.chunk" && Array.isArray(data.choices), "a completion chunk", data);
    const choices = data.choices as unknown[];
    if (choices.length === 0) {
      check(finish !== null && isObject(data.usage), "the usage chunk after the finish", data);
      outputTokens = (data.usage as Record<string, unknown>).completion_tokens as number;
      continue;
    }
    check(finish === null, "no content after the finish", data);
    const choice = choices[0];
    check(isObject(choice) && isObject(choice.delta), "a chunk choice", data);
    const delta = choice.delta as Record<string, unknown>;
    if (typeof delta.content === "string") text += delta.content;
    if (delta.tool_calls !== undefined) {
      check(Array.isArray(delta.tool_calls), "tool_calls delta", data);
      calls.push(...(delta.tool_calls as unknown[]));
    }
    if (choice.finish_reason !== null && choice.finish_reason !== undefined) finish = String(choice.finish_reason);
  }
  check(result !== null, "the stream ends with [DONE] or an error chunk");
  return result;
}
