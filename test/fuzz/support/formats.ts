// What a response must look like in each client's own format. Every checker returns the
// list of problems it found (empty = fine), so a fuzz failure names all of them at once.
import { parseSse } from "../../support/sse.ts";
import type { FuzzResponse } from "./http-client.ts";

export type Problems = string[];

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const nonEmptyString = (v: unknown): v is string => typeof v === "string" && v.length > 0;

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** No response ever invites another origin in (the relay API, the management API, SSE). */
export function corsProblems(res: FuzzResponse): Problems {
  return Object.keys(res.headers)
    .filter((h) => h.toLowerCase().startsWith("access-control-"))
    .map((h) => `CORS header ${h}: ${String(res.headers[h])}`);
}

function jsonBody(res: FuzzResponse, problems: Problems): unknown {
  const type = String(res.headers["content-type"] ?? "");
  if (!type.startsWith("application/json")) problems.push(`content-type ${JSON.stringify(type)} is not JSON`);
  const parsed = parseJson(res.body.toString("utf8"));
  if (!parsed.ok) {
    problems.push(`body is not JSON: ${res.body.toString("utf8").slice(0, 200)}`);
    return undefined;
  }
  return parsed.value;
}

/** `{"type":"error","error":{"type","message"}}` */
export function anthropicErrorProblems(res: FuzzResponse): Problems {
  const problems: Problems = [];
  const body = jsonBody(res, problems);
  if (body === undefined) return problems;
  if (!isObject(body) || body.type !== "error" || !isObject(body.error)) {
    problems.push(`not an Anthropic error: ${JSON.stringify(body).slice(0, 200)}`);
  } else {
    if (!nonEmptyString(body.error.type)) problems.push("error.type missing");
    if (!nonEmptyString(body.error.message)) problems.push("error.message missing");
  }
  return problems;
}

/** `{"error":{"message","type","param","code"}}` */
export function openAiErrorProblems(res: FuzzResponse): Problems {
  const problems: Problems = [];
  const body = jsonBody(res, problems);
  if (body === undefined) return problems;
  if (!isObject(body) || !isObject(body.error)) {
    problems.push(`not an OpenAI error: ${JSON.stringify(body).slice(0, 200)}`);
  } else {
    if (!nonEmptyString(body.error.message)) problems.push("error.message missing");
    if (!nonEmptyString(body.error.type)) problems.push("error.type missing");
    if (!("code" in body.error)) problems.push("error.code missing");
  }
  return problems;
}

/** A JSON answer that must pass `ok`; a problem names it as `what` otherwise. */
function jsonAnswerProblems(res: FuzzResponse, what: string, ok: (body: unknown) => boolean): Problems {
  const problems: Problems = [];
  const body = jsonBody(res, problems);
  if (body !== undefined && !ok(body)) problems.push(`not ${what}: ${JSON.stringify(body).slice(0, 200)}`);
  return problems;
}

/** A whole number of tokens, at least zero. */
const tokenCount = (n: unknown) => Number.isInteger(n) && (n as number) >= 0;

/** `{"error":{"type","message"}}` */
export function managementErrorProblems(res: FuzzResponse): Problems {
  return jsonAnswerProblems(res, "a management error", (body) => isObject(body) && isObject(body.error) && nonEmptyString(body.error.type) && nonEmptyString(body.error.message));
}

/** A complete Anthropic answer: a message object, or an event stream that ends with message_stop or an error event. */
export function anthropicSuccessProblems(res: FuzzResponse): Problems {
  const problems: Problems = [];
  const type = String(res.headers["content-type"] ?? "");
  if (type.startsWith("text/event-stream")) {
    const events = parseSse(res.body.toString("utf8"));
    for (const e of events) {
      const parsed = parseJson(e.data);
      if (!parsed.ok || !isObject(parsed.value)) problems.push(`SSE data is not a JSON object: ${e.data.slice(0, 120)}`);
      else if (parsed.value.type !== e.event) problems.push(`SSE event ${e.event} carries type ${String(parsed.value.type)}`);
    }
    const first = events[0]?.event;
    const last = events.at(-1);
    if (first !== "message_start" && first !== "error") problems.push(`stream starts with ${first}`);
    if (last?.event === "error") problems.push(...errorEventProblems(last.data));
    else if (last?.event !== "message_stop") problems.push(`stream ends with ${last?.event} instead of message_stop`);
    return problems;
  }
  const body = jsonBody(res, problems);
  if (body === undefined) return problems;
  if (!isObject(body) || body.type !== "message" || body.role !== "assistant" || !Array.isArray(body.content)) {
    problems.push(`not an Anthropic message: ${JSON.stringify(body).slice(0, 200)}`);
  }
  return problems;
}

function errorEventProblems(data: string): Problems {
  const parsed = parseJson(data);
  if (!parsed.ok || !isObject(parsed.value) || parsed.value.type !== "error" || !isObject(parsed.value.error)) {
    return [`error event is not an Anthropic error: ${data.slice(0, 200)}`];
  }
  return nonEmptyString(parsed.value.error.message) ? [] : ["error event without a message"];
}

/** A complete OpenAI answer: a chat.completion, or chunks that end with [DONE] (or an error chunk). */
export function openAiSuccessProblems(res: FuzzResponse): Problems {
  const problems: Problems = [];
  const type = String(res.headers["content-type"] ?? "");
  if (type.startsWith("text/event-stream")) {
    const events = parseSse(res.body.toString("utf8"));
    const last = events.at(-1);
    for (const e of events.slice(0, -1)) {
      const parsed = parseJson(e.data);
      if (!parsed.ok || !isObject(parsed.value) || parsed.value.object !== "chat.completion.chunk") {
        problems.push(`not a chat.completion.chunk: ${e.data.slice(0, 120)}`);
      }
    }
    if (last?.data !== "[DONE]") {
      const parsed = last ? parseJson(last.data) : { ok: false as const };
      if (!parsed.ok || !isObject(parsed.value) || !isObject(parsed.value.error)) {
        problems.push(`stream ends with ${last?.data.slice(0, 120)} instead of [DONE] or an error chunk`);
      }
    }
    return problems;
  }
  const body = jsonBody(res, problems);
  if (body === undefined) return problems;
  if (!isObject(body) || body.object !== "chat.completion" || !Array.isArray(body.choices)) {
    problems.push(`not a chat.completion: ${JSON.stringify(body).slice(0, 200)}`);
  }
  return problems;
}

/** A Response object, or Responses events ending in response.completed/incomplete/failed. */
export function responsesSuccessProblems(res: FuzzResponse): Problems {
  const problems: Problems = [];
  const type = String(res.headers["content-type"] ?? "");
  if (type.startsWith("text/event-stream")) {
    const events = parseSse(res.body.toString("utf8"));
    events.forEach((e, i) => {
      const parsed = parseJson(e.data);
      if (!parsed.ok || !isObject(parsed.value) || parsed.value.type !== e.event || parsed.value.sequence_number !== i) {
        problems.push(`not a Responses event with sequence_number ${i}: ${e.data.slice(0, 120)}`);
      }
    });
    const last = events.at(-1)?.event;
    if (last !== "response.completed" && last !== "response.incomplete" && last !== "response.failed") problems.push(`stream ends with ${last}`);
    return problems;
  }
  const body = jsonBody(res, problems);
  if (body === undefined) return problems;
  if (!isObject(body) || body.object !== "response" || !Array.isArray(body.output)) problems.push(`not a response: ${JSON.stringify(body).slice(0, 200)}`);
  return problems;
}

/** count_tokens: `{"input_tokens": n}`. */
export function countTokensProblems(res: FuzzResponse): Problems {
  return jsonAnswerProblems(res, "a count_tokens answer", (body) => isObject(body) && tokenCount(body.input_tokens));
}

/**
 * `{"error":{"code","message","status"}}` with code = the HTTP status. Requests Node's HTTP
 * parser refuses (before any route, so before the relay knows the client) get the shared
 * Anthropic/OpenAI body from listen.ts; the Gemini SDK reads any JSON error body.
 */
export function geminiErrorProblems(res: FuzzResponse): Problems {
  if (String(res.headers.connection ?? "") === "close" && anthropicErrorProblems(res).length === 0 && openAiErrorProblems(res).length === 0) return [];
  const problems: Problems = [];
  const body = jsonBody(res, problems);
  if (body === undefined) return problems;
  if (!isObject(body) || !isObject(body.error)) {
    problems.push(`not a Gemini error: ${JSON.stringify(body).slice(0, 200)}`);
  } else {
    if (body.error.code !== res.status) problems.push(`error.code ${String(body.error.code)} is not the status ${res.status}`);
    if (!nonEmptyString(body.error.message)) problems.push("error.message missing");
    if (!nonEmptyString(body.error.status) || !/^[A-Z_]+$/.test(body.error.status)) problems.push("error.status is not a google.rpc code name");
  }
  return problems;
}

const isGeminiResponse = (v: unknown): boolean =>
  isObject(v) && Array.isArray(v.candidates) && isObject(v.candidates[0]) && isObject(v.candidates[0].content) && Array.isArray(v.candidates[0].content.parts);

/** A complete Gemini answer: a GenerateContentResponse, an array of them, or SSE chunks ending with finishReason (or an error chunk). */
export function geminiSuccessProblems(res: FuzzResponse): Problems {
  const problems: Problems = [];
  const type = String(res.headers["content-type"] ?? "");
  if (type.startsWith("text/event-stream")) {
    const events = parseSse(res.body.toString("utf8"));
    const chunks = events.map((e) => parseJson(e.data));
    const last = chunks.at(-1);
    for (const c of chunks.slice(0, -1)) if (!c.ok || !isGeminiResponse(c.value)) problems.push("an SSE chunk is not a GenerateContentResponse");
    const lastValue = last?.ok ? last.value : undefined;
    const finished = isGeminiResponse(lastValue) && typeof (lastValue as { candidates: Array<{ finishReason?: unknown }> }).candidates[0]!.finishReason === "string";
    if (!finished && !(isObject(lastValue) && isObject(lastValue.error))) problems.push("stream does not end with finishReason or an error chunk");
    return problems;
  }
  const body = jsonBody(res, problems);
  if (body === undefined) return problems;
  const responses = Array.isArray(body) ? body : [body];
  if (responses.length === 0 || !responses.every(isGeminiResponse)) problems.push(`not a GenerateContentResponse: ${JSON.stringify(body).slice(0, 200)}`);
  return problems;
}

/** countTokens: `{"totalTokens": n}`. */
export function geminiCountTokensProblems(res: FuzzResponse): Problems {
  return jsonAnswerProblems(res, "a countTokens answer", (body) => isObject(body) && tokenCount(body.totalTokens));
}
