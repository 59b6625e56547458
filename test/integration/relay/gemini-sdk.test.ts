// The official @google/genai SDK (httpOptions.baseUrl → the relay) against a real relay
// and the fake Cursor over loopback: text, thoughts, streaming, parallel function calls,
// a functionResponse follow-up that resumes the same Cursor Run, models, errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ApiError, GoogleGenAI, Type, type Content } from "@google/genai";
import { BASH_TOOL_CALL_ID, TEXT_REPLY, TEXT_THINKING, TOOL_REPLY_PREFIX } from "../../fake-cursor/index.ts";
import type { Scenario } from "../../fake-cursor/index.ts";
import { toClientToolId } from "../../../app/sessions/tool-ids.ts";
import { startHarness, type Harness } from "../../support/relay-harness.ts";

const genai = (h: Harness, apiKey = h.key) => new GoogleGenAI({ apiKey, httpOptions: { baseUrl: h.url } });

const weather = {
  functionDeclarations: [
    { name: "get_weather", description: "Weather for a city", parameters: { type: Type.OBJECT, properties: { city: { type: Type.STRING } }, required: ["city"] } },
  ],
};

test("generateContent: text, thought parts when includeThoughts, usageMetadata, STOP", async (t) => {
  const h = await startHarness(t);
  const res = await genai(h).models.generateContent({
    model: "gemini-2.5-pro",
    contents: "hello",
    config: { systemInstruction: "be brief", thinkingConfig: { includeThoughts: true } },
  });
  assert.equal(res.text, TEXT_REPLY);
  const parts = res.candidates?.[0]?.content?.parts ?? [];
  assert.deepEqual(parts.filter((p) => p.thought).map((p) => p.text), [TEXT_THINKING]);
  assert.equal(res.candidates?.[0]?.finishReason, "STOP");
  assert.equal(res.usageMetadata?.candidatesTokenCount, 5);
  assert.ok((res.usageMetadata?.promptTokenCount ?? 0) > 0);
  assert.equal(h.fake.runs[0]!.systemPrompt, "be brief");
  assert.equal(h.fake.runs[0]!.userText, "hello");
});

test("generateContentStream (alt=sse): text arrives in chunks, no thoughts unless asked", async (t) => {
  const h = await startHarness(t);
  const stream = await genai(h).models.generateContentStream({ model: "gemini-2.5-flash", contents: "hello" });
  let text = "";
  let finish: string | undefined;
  let thoughts = 0;
  for await (const chunk of stream) {
    text += chunk.text ?? "";
    thoughts += chunk.candidates?.[0]?.content?.parts?.filter((p) => p.thought).length ?? 0;
    finish = chunk.candidates?.[0]?.finishReason ?? finish;
  }
  assert.equal(text, TEXT_REPLY);
  assert.equal(thoughts, 0);
  assert.equal(finish, "STOP");
});

test("streamGenerateContent without alt=sse answers a JSON array of responses", async (t) => {
  const h = await startHarness(t);
  const res = await fetch(`${h.url}/v1beta/models/gemini-2.5-pro:streamGenerateContent?key=${h.key}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ contents: [{ role: "user", parts: [{ text: "hello" }] }] }),
  });
  assert.equal(res.status, 200);
  const body = (await res.json()) as Array<{ candidates: Array<{ content: { parts: Array<{ text: string }> } }> }>;
  assert.ok(Array.isArray(body));
  assert.equal(body.map((r) => r.candidates[0]!.content.parts.map((p) => p.text).join("")).join(""), TEXT_REPLY);
});

test("a function call streams as a functionCall part; the functionResponse resumes the same Run", async (t) => {
  const h = await startHarness(t, { scenario: "tool-bash" });
  const ai = genai(h);
  const contents: Content[] = [{ role: "user", parts: [{ text: "run echo relay-ok" }] }];
  const stream = await ai.models.generateContentStream({ model: "gemini-2.5-pro", contents, config: { tools: [{ functionDeclarations: [{ name: "Bash" }] }] } });
  const modelParts = [];
  for await (const chunk of stream) modelParts.push(...(chunk.candidates?.[0]?.content?.parts ?? []));
  const call = modelParts.find((p) => p.functionCall)?.functionCall;
  assert.ok(call);
  assert.equal(call.id, toClientToolId(BASH_TOOL_CALL_ID));
  assert.equal(call.name, "Bash");
  assert.deepEqual(call.args, { command: "echo relay-ok" });

  const done = await ai.models.generateContent({
    model: "gemini-2.5-pro",
    contents: [
      ...contents,
      { role: "model", parts: modelParts },
      { role: "user", parts: [{ functionResponse: { id: call.id, name: call.name, response: { output: "relay-ok\n" } } }] },
    ],
    config: { tools: [{ functionDeclarations: [{ name: "Bash" }] }] },
  });
  assert.equal(done.text, `${TOOL_REPLY_PREFIX}relay-ok\n`);
  assert.equal(h.fake.runs.length, 1);
  assert.equal(h.fake.runs[0]!.toolResults[0]?.text, "relay-ok\n");
});

const parallel: Scenario = {
  turns: [
    [
      { toolCall: { name: "get_weather", args: { city: "Paris" }, id: "w1", wait: false } },
      { toolCall: { name: "get_weather", args: { city: "Rome" }, id: "w2" } },
      { replyWithToolResult: "Last: " },
      { turnEnded: true },
    ],
  ],
};

test("parallel function calls arrive in one response; both functionResponses go back on the same Run", async (t) => {
  const h = await startHarness(t, { scenario: parallel });
  const ai = genai(h);
  const contents: Content[] = [{ role: "user", parts: [{ text: "weather in Paris and Rome" }] }];
  const first = await ai.models.generateContent({ model: "gemini-2.5-pro", contents, config: { tools: [weather] } });
  const calls = first.functionCalls ?? [];
  assert.deepEqual(
    calls.map((c) => [c.id, c.args]),
    [
      [toClientToolId("w1"), { city: "Paris" }],
      [toClientToolId("w2"), { city: "Rome" }],
    ],
  );
  const done = await ai.models.generateContent({
    model: "gemini-2.5-pro",
    contents: [
      ...contents,
      first.candidates![0]!.content!,
      { role: "user", parts: calls.map((c) => ({ functionResponse: { id: c.id!, name: c.name!, response: { output: `sunny in ${String(c.args!.city)}` } } })) },
    ],
    config: { tools: [weather] },
  });
  assert.equal(done.text, "Last: sunny in Rome");
  assert.equal(h.fake.runs.length, 1);
  assert.deepEqual(h.fake.runs[0]!.toolResults.map((r) => r.text).sort(), ["sunny in Paris", "sunny in Rome"]);
});

test("JSON output: a fenced answer is cleaned to the JSON value", async (t) => {
  const h = await startHarness(t, { scenario: { turns: [[{ text: 'Sure:\n```json\n{"complexity_reasoning":"simple","complexity_score":10}\n```' }, { turnEnded: true }]] } });
  const res = await genai(h).models.generateContent({
    model: "gemini-3.5-flash-lite",
    contents: "list files",
    config: { responseMimeType: "application/json", responseJsonSchema: { type: "object", properties: { complexity_score: { type: "integer" } } } },
  });
  assert.deepEqual(JSON.parse(res.text ?? ""), { complexity_reasoning: "simple", complexity_score: 10 });
  assert.match(h.fake.runs[0]!.systemPrompt ?? "", /matching this JSON Schema/);
});

test("countTokens and models answer in Gemini's shape", async (t) => {
  const h = await startHarness(t);
  const ai = genai(h);
  const count = await ai.models.countTokens({ model: "gemini-2.5-pro", contents: "hello there" });
  assert.ok((count.totalTokens ?? 0) > 0);
  const names: string[] = [];
  for await (const m of await ai.models.list()) names.push(m.name ?? "");
  assert.ok(names.includes("models/composer-2"));
  const one = await ai.models.get({ model: "composer-2" });
  assert.equal(one.name, "models/composer-2");
  assert.equal((await ai.models.get({ model: "gemini-3-pro-preview" })).name, "models/gemini-3-pro-preview", "a Gemini name is served (mapped)");
  await assert.rejects(ai.models.get({ model: "no-such-model" }), (e: unknown) => e instanceof ApiError && e.status === 404);
});

test("errors are Google's shape: 401 UNAUTHENTICATED for a wrong key, 400 INVALID_ARGUMENT, 404 NOT_FOUND", async (t) => {
  const h = await startHarness(t);
  await assert.rejects(genai(h, "wrong").models.generateContent({ model: "gemini-2.5-pro", contents: "hi" }), (e: unknown) => e instanceof ApiError && e.status === 401 && /UNAUTHENTICATED/.test(e.message));
  const post = (path: string, body: unknown) =>
    fetch(`${h.url}${path}`, { method: "POST", headers: { "x-goog-api-key": h.key, "content-type": "application/json" }, body: JSON.stringify(body) });
  const bad = await post("/v1beta/models/gemini-2.5-pro:generateContent", { contents: [] });
  assert.equal(bad.status, 400);
  assert.deepEqual(await bad.json(), { error: { code: 400, message: "contents: must contain at least one content", status: "INVALID_ARGUMENT" } });
  const missing = await post("/v1beta/models/gemini-2.5-pro:embedContent", {});
  assert.equal(missing.status, 404);
  assert.equal(((await missing.json()) as { error: { status: string } }).error.status, "NOT_FOUND");
  const noKey = await fetch(`${h.url}/v1beta/models`);
  assert.equal(noKey.status, 401);
  assert.equal(((await noKey.json()) as { error: { status: string } }).error.status, "UNAUTHENTICATED");
});

test("a follow-up turn resending the history continues the same Cursor conversation: checkpoint replayed, only the new text sent", async (t) => {
  const h = await startHarness(t);
  const ai = genai(h);
  const first: Content[] = [{ role: "user", parts: [{ text: "hello" }] }];
  const a = await ai.models.generateContent({ model: "gemini-2.5-pro", contents: first, config: { systemInstruction: "be brief" } });
  const b = await ai.models.generateContent({
    model: "gemini-2.5-pro",
    contents: [...first, a.candidates![0]!.content!, { role: "user", parts: [{ text: "and again" }] }],
    config: { systemInstruction: "be brief" },
  });
  assert.equal(b.text, TEXT_REPLY);
  assert.equal(h.fake.runs.length, 2);
  assert.equal(h.fake.runs[1]!.conversationId, h.fake.runs[0]!.conversationId);
  assert.equal(h.fake.runs[1]!.replayedCheckpoint, true);
  assert.equal(h.fake.runs[1]!.userText, "and again");
});
