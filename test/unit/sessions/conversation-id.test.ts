import assert from "node:assert/strict";
import { test } from "node:test";
import { conversationIdFor, conversationIdOf, stableSystemPrefix, utf8Prefix } from "../../../app/sessions/conversation-id.ts";
import type { ChatRequest } from "../../../app/sessions/chat-request.ts";

test("docs/protocol.md §6.1 vectors", () => {
  assert.equal(conversationIdFor("sk-test", "abc-session", "ignored"), "5e2998b2-9c15-1aa0-e461-ccc0712bf471");
  assert.equal(conversationIdFor("", null, "You are a helpful assistant."), "66e016c9-9dc4-e0cc-2371-b3a24a20e243");
});

test("the client key salts the id: two keys never share a conversation", () => {
  assert.notEqual(conversationIdFor("key-a", "s1", ""), conversationIdFor("key-b", "s1", ""));
  assert.equal(conversationIdFor("key-a", "s1", "x"), conversationIdFor("key-a", "s1", "y"));
});

test("fallback: the per-request billing line and the first cch= token do not change the id", () => {
  const a = "x-anthropic-billing-header: cc_version=2.1.197.1c0; cc_entrypoint=sdk-cli;\nYou are Claude.";
  const b = "x-anthropic-billing-header: cc_version=2.1.197.c40; cc_entrypoint=sdk-cli;\nYou are Claude.";
  assert.equal(conversationIdFor("k", null, a, "hi"), conversationIdFor("k", null, b, "hi"));
  assert.equal(stableSystemPrefix("pre cch=abc123; post"), "pre ; post");
  assert.equal(stableSystemPrefix("pre cch=abc123"), "pre cch=abc123", "no terminator: left alone");
  assert.notEqual(conversationIdFor("k", null, a, "hi"), conversationIdFor("k", null, a, "bye"), "first user message is part of the fallback");
});

test("utf8Prefix never cuts a multi-byte character", () => {
  const s = "é".repeat(300); // 600 bytes
  const p = utf8Prefix(s, 501);
  assert.equal(Buffer.byteLength(p), 500);
  assert.equal(p, "é".repeat(250));
  assert.equal(utf8Prefix("abc", 500), "abc");
});

test("conversationIdOf uses the session id when present, else system + first user text", () => {
  const base: ChatRequest = {
    api: "openai",
    model: "m",
    stream: false,
    system: "sys",
    transcript: [
      { role: "user", text: "first", images: [] },
      { role: "assistant", text: "a", toolCalls: [] },
      { role: "user", text: "second", images: [] },
    ],
    tools: [],
    maxTokens: undefined,
    sessionId: null,
    showThinking: true,
    includeUsage: false,
  };
  assert.equal(conversationIdOf("k", base), conversationIdFor("k", null, "sys", "first"));
  assert.equal(conversationIdOf("k", { ...base, sessionId: "s" }), conversationIdFor("k", "s", ""));
});
