// The Gemini parser against hostile and random input: a GeminiRequest or a 400
// RelayError that names the problem — never anything else, never a crash.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { RelayError } from "../../../app/base/errors.ts";
import { geminiCountTokens } from "../../../app/gateway/gemini/count-tokens.ts";
import { parseGeminiRequest } from "../../../app/gateway/gemini/parse-request.ts";
import { eachFieldNull } from "./each-field-null.ts";

const CALL = { model: "gemini-2.5-pro", method: "generateContent" } as const;

function only400(body: unknown): void {
  for (const parse of [() => parseGeminiRequest(body, CALL), () => geminiCountTokens(body, CALL)]) {
    try {
      parse();
    } catch (e) {
      assert.ok(e instanceof RelayError, `threw ${String(e)}`);
      assert.equal(e.status, 400, e.message);
      assert.doesNotMatch(e.message, /^request could not be read/, e.message);
    }
  }
}

const FULL = {
  systemInstruction: { parts: [{ text: "s" }] },
  generationConfig: { maxOutputTokens: 10, thinkingConfig: { includeThoughts: true }, responseMimeType: "application/json", responseSchema: { type: "OBJECT", properties: { a: { type: "STRING" } } } },
  tools: [{ functionDeclarations: [{ name: "t", description: "d", parameters: { type: "OBJECT", properties: { x: { type: "ARRAY", items: { type: "STRING" } } } } }] }],
  toolConfig: { functionCallingConfig: { mode: "ANY", allowedFunctionNames: ["t"] } },
  contents: [
    { role: "user", parts: [{ text: "a" }, { inlineData: { mimeType: "image/png", data: "AAAA" } }] },
    { role: "model", parts: [{ text: "t", thought: true }, { functionCall: { id: "i", name: "t", args: { x: ["1"] } } }] },
    { role: "user", parts: [{ functionResponse: { id: "i", name: "t", response: { output: "r" } } }] },
  ],
};

test("nulls everywhere: every field of a full request set to null yields a 400 or a request, never a crash", () => {
  const copies = eachFieldNull(FULL);
  for (const copy of copies) only400(copy);
  assert.ok(copies.length > 40);
});

test("deep nesting in a schema or in args is a 400, not a stack overflow", () => {
  const deep = JSON.parse("[".repeat(100_000) + "1" + "]".repeat(100_000));
  const bodies = [
    { contents: [{ parts: [{ text: "x" }] }], tools: [{ functionDeclarations: [{ name: "t", parameters: { type: "OBJECT", x: deep } }] }] },
    { contents: [{ role: "model", parts: [{ functionCall: { name: "t", args: { deep } } }] }] },
  ];
  for (const body of bodies) {
    assert.throws(
      () => parseGeminiRequest(body, CALL),
      (e: unknown) => e instanceof RelayError && e.status === 400 && /nested deeper than/.test(e.message),
    );
  }
});

test("random JSON (fast-check): the parser returns or throws a 400 RelayError, nothing else", () => {
  const anyJson = fc.jsonValue({ maxDepth: 5 });
  const part = fc.oneof(
    anyJson,
    fc.record({ text: anyJson, thought: anyJson, functionCall: anyJson, functionResponse: anyJson, inlineData: anyJson, fileData: anyJson }, { requiredKeys: [] }),
    fc.record({ functionCall: fc.record({ id: anyJson, name: fc.oneof(fc.constant("t"), anyJson), args: anyJson }, { requiredKeys: [] }) }),
    fc.record({ functionResponse: fc.record({ id: anyJson, name: fc.oneof(fc.constant("t"), anyJson), response: anyJson }, { requiredKeys: [] }) }),
  );
  const content = fc.record({ role: fc.oneof(fc.constantFrom("user", "model", "function", "system"), anyJson), parts: fc.oneof(fc.array(part, { maxLength: 4 }), anyJson) }, { requiredKeys: [] });
  const schema = fc.record({ type: fc.oneof(fc.constantFrom("OBJECT", "STRING", "ARRAY", "object"), anyJson), properties: anyJson, items: anyJson, anyOf: anyJson, nullable: anyJson, maxItems: anyJson }, { requiredKeys: [] });
  const body = fc.oneof(
    anyJson,
    fc.record(
      {
        contents: fc.oneof(fc.array(content, { maxLength: 4 }), anyJson),
        systemInstruction: anyJson,
        tools: fc.oneof(fc.array(fc.record({ functionDeclarations: fc.oneof(fc.array(fc.record({ name: fc.oneof(fc.constant("t"), anyJson), parameters: schema, parametersJsonSchema: anyJson }, { requiredKeys: [] }), { maxLength: 3 }), anyJson) }, { requiredKeys: [] }), { maxLength: 2 }), anyJson),
        toolConfig: fc.oneof(fc.record({ functionCallingConfig: fc.record({ mode: fc.oneof(fc.constantFrom("AUTO", "ANY", "NONE"), anyJson), allowedFunctionNames: anyJson }, { requiredKeys: [] }) }), anyJson),
        generationConfig: fc.oneof(fc.record({ maxOutputTokens: anyJson, thinkingConfig: anyJson, responseMimeType: fc.oneof(fc.constant("application/json"), anyJson), responseSchema: schema, responseJsonSchema: anyJson, candidateCount: anyJson }, { requiredKeys: [] }), anyJson),
        generateContentRequest: anyJson,
      },
      { requiredKeys: [] },
    ),
  );
  fc.assert(fc.property(body, (b) => only400(b)), { numRuns: 3000, seed: 20_261_129 });
});
