// `cursor-relay models` against the fake Cursor: the live list of the first ready account
// and what client model names map to (and why), modelMap applied; the built-in list, said
// so, when the live one cannot be fetched. And the relay itself: a family mapping is logged
// once with both names and shown on the live session.
import assert from "node:assert/strict";
import { test } from "node:test";
import { main } from "../../../app/cli/main.ts";
import type { ModelsReport } from "../../../app/cli/models.ts";
import { TEXT_TURN, type Scenario } from "../../fake-cursor/index.ts";
import { haveKeyring, startHarness, type Harness } from "../../support/relay-harness.ts";

const LIVE = [
  { id: "claude-4.5-opus", displayName: "Claude 4.5 Opus", thinking: true, aliases: [] },
  { id: "claude-4.5-sonnet", displayName: "Claude 4.5 Sonnet", thinking: true, aliases: [] },
  { id: "gpt-5", displayName: "GPT-5", thinking: false, aliases: [] },
  { id: "composer-2", displayName: "Composer 2", thinking: true, aliases: ["composer"] },
];

async function models(h: Harness, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const env = { CURSOR_RELAY_DATA_DIR: h.dataDir, CURSOR_RELAY_CURSOR_API: h.fake.url, CURSOR_RELAY_SECRET_STORE: haveKeyring ? "keychain" : "file" };
  const code = await main(["models", ...args], { out: (l) => out.push(l), err: (l) => err.push(l), env });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

test("models: the live list and each client name's Cursor model with the reason; modelMap wins; --json", async (t) => {
  const h = await startHarness(t, { scenario: { turns: [TEXT_TURN], models: { list: LIVE } } as Scenario });
  h.app.parts.accounts.settings.set("modelMap", { "claude-haiku-*": "composer-2" });
  const r = await models(h, "--json", "composer", "gpt-5", "no-such-model");
  assert.equal(r.code, 0, r.err);
  const report = JSON.parse(r.out) as ModelsReport;
  assert.equal(report.account, h.accountIds[0]);
  assert.equal(report.source, "live");
  assert.equal(report.note, null);
  assert.deepEqual(report.models.map((m) => m.id), LIVE.map((m) => m.id));
  const byName = new Map(report.mappings.map((m) => [m.clientModel, m]));
  assert.deepEqual(byName.get("claude-opus-4-1"), { clientModel: "claude-opus-4-1", cursorModel: "claude-4.5-opus", match: "family", family: "claude-opus", error: null });
  assert.equal(byName.get("claude-sonnet-4-5")!.cursorModel, "claude-4.5-sonnet");
  assert.deepEqual([byName.get("gpt-5")!.cursorModel, byName.get("gpt-5")!.match], ["gpt-5", "exact"], "a live id passes through");
  assert.deepEqual([byName.get("composer")!.cursorModel, byName.get("composer")!.match], ["composer-2", "alias"]);
  assert.deepEqual([byName.get("claude-haiku-4-5")!.cursorModel, byName.get("claude-haiku-4-5")!.match], ["composer-2", "override"]);
  assert.match(byName.get("no-such-model")!.error!, /Unknown model "no-such-model"/);

  const text = await models(h);
  assert.equal(text.code, 0, text.err);
  assert.match(text.out, new RegExp(`Cursor models \\(live list of ${h.accountIds[0]!.replace(".", "\\.")}\\):`));
  assert.match(text.out, /claude-opus-4-1\s+→ claude-4\.5-opus\s+\(closest live model of the family: claude-opus\)/);
  assert.match(text.out, /composer-2\s+\(aliases: composer\)/);
});

test("models: when Cursor's list cannot be fetched, the built-in list is used and the output says so", async (t) => {
  const h = await startHarness(t, { scenario: { turns: [TEXT_TURN], models: { fail: true } } as Scenario });
  const r = await models(h, "--json");
  assert.equal(r.code, 0, r.err);
  const report = JSON.parse(r.out) as ModelsReport;
  assert.equal(report.source, "builtin");
  assert.match(report.note!, /could not be fetched.*built-in model list/);
  assert.ok(report.models.some((m) => m.id === "composer-2"));
  const text = await models(h);
  assert.match(text.out, /^note: Cursor's model list could not be fetched/m);
  assert.match(text.out, /Cursor models \(built-in list\):/);

  // The relay says so too, in its log, once: on its /v1/models list and on turns.
  await h.openai().models.list();
  const builtinLines = () => h.logLines.filter((l) => l.includes("using the relay's built-in model list")).length;
  assert.equal(builtinLines(), 1, h.logLines.join("\n"));
  for (let i = 0; i < 2; i++) await h.anthropic().messages.create({ model: "claude-opus-4-1", max_tokens: 10, messages: [{ role: "user", content: `hi ${i}` }] });
  assert.equal(builtinLines(), 1, h.logLines.join("\n"));
});

test("the relay logs a family mapping once per pair with both names and shows it on the live session", async (t) => {
  const h = await startHarness(t, { scenario: { turns: [TEXT_TURN], models: { list: LIVE } } as Scenario });
  for (let i = 0; i < 2; i++) await h.anthropic().messages.create({ model: "claude-opus-4-1", max_tokens: 10, messages: [{ role: "user", content: `q ${i}` }] });
  await h.anthropic().messages.create({ model: "gpt-5", max_tokens: 10, messages: [{ role: "user", content: "exact" }] });
  const mapped = h.logLines.filter((l) => l.includes("model claude-opus-4-1 → claude-4.5-opus"));
  assert.equal(mapped.length, 1, h.logLines.join("\n"));
  assert.ok(!h.logLines.some((l) => /model gpt-5 →/.test(l)), "an exact id is no guess, nothing to log");
  assert.deepEqual(h.fake.runs.map((r) => r.modelId), ["claude-4.5-opus", "claude-4.5-opus", "gpt-5"]);
  const views = (await h.app.control.getSnapshot()).accounts.flatMap((a) => a.sessions);
  assert.ok(views.some((v) => v.model === "claude-opus-4-1" && v.cursorModel === "claude-4.5-opus"), JSON.stringify(views));
});
