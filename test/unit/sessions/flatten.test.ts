import assert from "node:assert/strict";
import { test } from "node:test";
import { FLATTEN_INSTRUCTION, flattenTranscript } from "../../../app/sessions/flatten.ts";

test("an empty transcript is only the closing instruction", () => {
  assert.equal(flattenTranscript([]), FLATTEN_INSTRUCTION);
});

test("docs/protocol.md §6.4 layout: entries in order, tool calls and results as sorted-key JSON, trailer", () => {
  const text = flattenTranscript([
    { role: "user", text: "run echo", images: [] },
    { role: "assistant", text: "Running it.", toolCalls: [{ id: "toolu_01", name: "Bash", argumentsJson: '{"command":"echo hi"}' }] },
    { role: "tool", toolCallId: "toolu_01", content: "hi\n", isError: false },
    { role: "tool", toolCallId: "toolu_02", content: "boom", isError: true },
    { role: "user", text: "", images: [] },
    { role: "user", text: "thanks", images: [] },
  ]);
  assert.equal(
    text,
    "USER: run echo\n\n" +
      "ASSISTANT: Running it.\n\n" +
      'ASSISTANT_TOOL_CALL: {"arguments":"{\\"command\\":\\"echo hi\\"}","id":"toolu_01","name":"Bash"}\n\n' +
      'TOOL_RESULT: {"content":"hi\\n","tool_call_id":"toolu_01"}\n\n' +
      'TOOL_RESULT: {"content":"boom","is_error":true,"tool_call_id":"toolu_02"}\n\n' +
      "USER: thanks\n\n" +
      "The above is the previous conversation context including tool call results.\n" +
      "Continue your response based on this context.",
  );
});

test("the closing instruction is said once, at the end", () => {
  const text = flattenTranscript([{ role: "user", text: "hi", images: [] }, { role: "assistant", text: "hello", toolCalls: [] }, { role: "user", text: "again", images: [] }]);
  assert.equal(text.split("Continue").length - 1, 1, text);
  assert.ok(text.endsWith(FLATTEN_INSTRUCTION));
  assert.doesNotMatch(text, /Continue from the conversation above/);
});

test("tool results are never truncated", () => {
  const big = "x".repeat(200_000) + "é";
  const text = flattenTranscript([{ role: "tool", toolCallId: "t", content: big, isError: false }]);
  assert.ok(text.includes(JSON.stringify(big)));
});
