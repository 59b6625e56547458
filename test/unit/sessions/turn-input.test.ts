import assert from "node:assert/strict";
import { test } from "node:test";
import type { ChatRequest, TranscriptEntry } from "../../../app/sessions/chat-request.ts";
import { turnInputFrom } from "../../../app/sessions/turn-input.ts";
import { createThreadIds } from "../../../app/sessions/threads.ts";
import { fromClientToolId, toClientToolId } from "../../../app/sessions/tool-ids.ts";

const req = (transcript: TranscriptEntry[]): ChatRequest => ({
  api: "anthropic",
  model: "claude-sonnet-4-5",
  stream: true,
  system: "sys",
  transcript,
  tools: [],
  maxTokens: 100,
  sessionId: "s",
  showThinking: true,
  includeUsage: false,
});
const opts = { conversationId: "c", inputTokens: 7 };

test("a first turn: newest user text, no history, no tool results", () => {
  const t = turnInputFrom(req([{ role: "user", text: "hi", images: [] }]), opts);
  assert.equal(t.newestUserText, "hi");
  assert.equal(t.hasHistory, false);
  assert.deepEqual(t.toolResults, []);
  assert.equal(t.inputTokens, 7);
  assert.equal(t.maxTokens, 100);
});

test("tool results after the last assistant message are what the client answers; side text rides on the last", () => {
  const t = turnInputFrom(
    req([
      { role: "user", text: "do it", images: [] },
      { role: "assistant", text: "", toolCalls: [{ id: "cursor_call_a", name: "Bash", argumentsJson: "{}" }] },
      { role: "tool", toolCallId: "cursor_call_a", content: "out-a", isError: false },
      { role: "tool", toolCallId: "cursor_call_b", content: "out-b", isError: true },
      { role: "user", text: "<reminder>", images: [] },
    ]),
    opts,
  );
  assert.deepEqual(t.toolResults, [
    { toolCallId: "cursor_call_a", text: "out-a", isError: false },
    { toolCallId: "cursor_call_b", text: "out-b\n\n<reminder>", isError: true },
  ]);
  assert.equal(t.hasHistory, true);
  assert.match(t.flatten(), /^USER: do it\n\nASSISTANT_TOOL_CALL: /);
});

test("images come from the last user message only", () => {
  const img = { mimeType: "image/png", data: new Uint8Array([1, 2]) };
  const t = turnInputFrom(
    req([
      { role: "user", text: "old", images: [img, img] },
      { role: "assistant", text: "ok", toolCalls: [] },
      { role: "user", text: "new", images: [img] },
    ]),
    opts,
  );
  assert.equal(t.images.length, 1);
});

test("client tool ids are reversible and whitespace-free (docs/protocol.md §5.2 vectors)", () => {
  assert.equal(toClientToolId("toolu_01"), "cursor_call_dG9vbHVfMDE");
  const raw = "call-cce860e6-ab07-414d-812c-785db35b17ca-4\nfc_d2335004-a95f-93b4-977b-e9eee6316be7_0";
  const id = toClientToolId(raw);
  assert.equal(
    id,
    "cursor_call_Y2FsbC1jY2U4NjBlNi1hYjA3LTQxNGQtODEyYy03ODVkYjM1YjE3Y2EtNApmY19kMjMzNTAwNC1hOTVmLTkzYjQtOTc3Yi1lOWVlZTYzMTZiZTdfMA",
  );
  assert.equal(fromClientToolId(id), raw);
  assert.equal(fromClientToolId("toolu_x"), null);
  assert.match(toClientToolId(""), /^cursor_call_[A-Za-z0-9_-]+$/);
});

test("threads: the first thread keeps the id, a side thread gets its own, stable one", () => {
  const threads = createThreadIds(2);
  assert.equal(threads.resolve("conv", "main first message"), "conv");
  const side = threads.resolve("conv", "title please");
  assert.notEqual(side, "conv");
  assert.equal(threads.resolve("conv", "title please"), side);
  assert.equal(threads.resolve("conv", "main first message"), "conv");
  threads.resolve("x", "1");
  threads.resolve("y", "1");
  assert.equal(threads.size, 2, "bounded");
});
