import { test } from "node:test";
import assert from "node:assert/strict";
import { create } from "@bufbuild/protobuf";
import { GetUsableModelsResponseSchema } from "../../../proto/gen/agent/v1/agent_pb.ts";
import { RelayError } from "../../../app/base/errors.ts";
import { FALLBACK_MODELS, modelsFromResponse, resolveModel } from "../../../app/cursor/models.ts";
import type { CursorModel } from "../../../app/cursor/types.ts";

const m = (id: string, aliases: string[] = []): CursorModel => ({ id, displayName: id, supportsThinking: false, aliases });
const LIVE: CursorModel[] = [
  m("composer-2"),
  m("claude-4-sonnet"),
  m("claude-4.5-sonnet", ["sonnet-4.5"]),
  m("claude-4.5-sonnet-thinking"),
  m("claude-4.1-opus"),
  m("claude-4.5-opus-high"),
  m("claude-4.5-haiku"),
  m("gpt-5"),
  m("gpt-5.1-codex"),
  m("cursor/composer-2.5"),
  m("gemini-2.5-pro"),
];

test("modelsFromResponse: id, display name fallbacks, thinking flag, aliases (+display id)", () => {
  const res = create(GetUsableModelsResponseSchema, {
    models: [
      { modelId: "composer-2", displayName: "Composer 2", thinkingDetails: {}, aliases: ["composer"] },
      { modelId: "gpt-5", displayModelId: "gpt-5-latest" },
      { modelId: "" },
    ],
  });
  assert.deepEqual(modelsFromResponse(res), [
    { id: "composer-2", displayName: "Composer 2", supportsThinking: true, aliases: ["composer"] },
    { id: "gpt-5", displayName: "gpt-5-latest", supportsThinking: false, aliases: ["gpt-5-latest"] },
  ]);
});

test("fallback list is the docs/protocol.md §9.2 one", () => {
  assert.deepEqual(
    FALLBACK_MODELS.map((x) => x.id),
    ["composer-2", "claude-4-sonnet", "claude-3.5-sonnet", "gpt-4o", "cursor-small", "gemini-2.5-pro"],
  );
  assert.ok(FALLBACK_MODELS.find((x) => x.id === "gemini-2.5-pro")!.supportsThinking);
});

test("exact ids (case-insensitive) and aliases of the live list", () => {
  assert.equal(resolveModel("composer-2", LIVE), "composer-2");
  assert.equal(resolveModel("GPT-5", LIVE), "gpt-5");
  assert.equal(resolveModel("sonnet-4.5", LIVE), "claude-4.5-sonnet");
  assert.equal(resolveModel("cursor/composer-2.5", LIVE), "cursor/composer-2.5");
  assert.equal(resolveModel("openai/gpt-5", LIVE), "gpt-5", "provider prefix stripped");
});

test("claude-* families map to the live model of the same family and version", () => {
  assert.equal(resolveModel("claude-sonnet-4-5-20250929", LIVE), "claude-4.5-sonnet");
  assert.equal(resolveModel("claude-sonnet-4-20250514", LIVE), "claude-4-sonnet");
  assert.equal(resolveModel("claude-opus-4-1", LIVE), "claude-4.1-opus");
  assert.equal(resolveModel("claude-opus-4-5-20251101", LIVE), "claude-4.5-opus-high");
  assert.equal(resolveModel("claude-haiku-4-5", LIVE), "claude-4.5-haiku");
  assert.equal(resolveModel("claude-3-5-haiku-20241022", LIVE), "claude-4.5-haiku", "older version → newest of the family");
  assert.equal(resolveModel("claude-opus-9", LIVE), "claude-4.5-opus-high", "unknown version → newest");
});

test("a family missing from the live list falls back to a related model, never an error", () => {
  const live = [m("composer-2"), m("claude-4-sonnet")];
  assert.equal(resolveModel("claude-opus-4-5", live), "claude-4-sonnet");
  assert.equal(resolveModel("claude-haiku-4-5", live), "claude-4-sonnet");
  assert.equal(resolveModel("gpt-4.1", live), "composer-2");
  assert.equal(resolveModel("claude-opus-4", [m("composer-2")]), "composer-2");
});

test("gpt-* picks the matching or newest gpt model", () => {
  assert.equal(resolveModel("gpt-5.1", LIVE), "gpt-5.1-codex");
  assert.equal(resolveModel("gpt-4o", LIVE), "gpt-5.1-codex", "no version match → newest gpt");
  assert.equal(resolveModel("gpt-5-mini", LIVE), "gpt-5", "same version → plainest id");
});

test("codex-* and o-series names (Codex CLI) map to codex, o and gpt models the same way", () => {
  assert.equal(resolveModel("codex-mini-latest", LIVE), "gpt-5.1-codex");
  assert.equal(resolveModel("gpt-5-codex", LIVE), "gpt-5.1-codex", "codex family before the plain gpt one");
  assert.equal(resolveModel("o3", [...LIVE, m("o3-pro"), m("o4-mini")]), "o3-pro", "same generation → that o model");
  assert.equal(resolveModel("o4", [...LIVE, m("o3"), m("o4-mini-high")]), "o4-mini-high");
  assert.equal(resolveModel("o3", [...LIVE, m("o4-mini")]), "o4-mini", "no version match → newest o model");
  assert.equal(resolveModel("o4-mini", LIVE), "gpt-5.1-codex", "no o model live → newest gpt");
  assert.equal(resolveModel("codex-mini-latest", [m("composer-2")]), "composer-2");
});

test("overrides win: exact keys, then the longest * pattern", () => {
  const overrides = { "claude-opus-*": "composer-2", "claude-*": "gpt-5", "my-model": "gemini-2.5-pro" };
  assert.equal(resolveModel("claude-opus-4-5", LIVE, overrides), "composer-2");
  assert.equal(resolveModel("claude-sonnet-4-5", LIVE, overrides), "gpt-5");
  assert.equal(resolveModel("MY-MODEL", LIVE, overrides), "gemini-2.5-pro");
  assert.equal(resolveModel("composer-2", LIVE, { "composer-2": "cursor/composer-2.5" }), "cursor/composer-2.5");
});

test("prefix of a live id and default/auto", () => {
  assert.equal(resolveModel("gemini-2.5", LIVE), "gemini-2.5-pro");
  assert.equal(resolveModel("auto", LIVE), "composer-2");
});

test("a name that matches nothing → invalid_request 404 naming the model", () => {
  for (const bad of ["llama-3-70b", "", "  "]) {
    assert.throws(
      () => resolveModel(bad, LIVE),
      (e: unknown) => e instanceof RelayError && e.kind === "invalid_request" && e.status === 404 && e.message.includes(`"${bad}"`) && e.message.includes("composer-2"),
    );
  }
});

test("gemini-* names: same tier and version first, then any Gemini, then the first live model", () => {
  const live = [...LIVE, m("gemini-3-flash"), m("gemini-3-pro")];
  assert.equal(resolveModel("gemini-3.1-pro-preview", live), "gemini-3-pro");
  assert.equal(resolveModel("gemini-2.5-pro", live), "gemini-2.5-pro");
  assert.equal(resolveModel("gemini-3.5-flash-lite", live), "gemini-3-flash");
  assert.equal(resolveModel("gemini-2.5-flash", LIVE), "gemini-2.5-pro", "no flash model: another Gemini");
  assert.equal(resolveModel("gemini-3-pro-preview", [m("composer-2"), m("gpt-5")]), "composer-2", "no Gemini at all: the first live model");
  assert.equal(resolveModel("models/gemini-3-pro", live), "gemini-3-pro");
});
