// `cursor-relay doctor --bundle`: known secrets are planted — every account's access and
// refresh token, the relay key, a prompt and a tool output that went through the relay,
// and a Cursor error message that quotes a token and the relay key — then the bundle is
// written and scanned for each of them, whole or in part. Nothing may be found, while the
// bundle still carries what a bug report needs.
import assert from "node:assert/strict";
import { readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { DOCTOR_TURN, ECHO_TOOL_ARGS } from "../fake-cursor/index.ts";
import { startHarness } from "../support/relay-harness.ts";
import { doctor } from "../integration/doctor/helpers.ts";

/** The secret and 16-character pieces of its random part (a token cut short still counts). */
function needles(secret: string): string[] {
  const random = secret.includes(".") ? secret.slice(secret.lastIndexOf(".") + 1) : secret;
  const pieces = [secret];
  for (const at of [0, Math.floor((random.length - 16) / 2), random.length - 16]) if (random.length >= 16) pieces.push(random.slice(at, at + 16));
  return [...new Set(pieces)];
}

test("the diagnostic bundle holds no token, key, prompt text or tool output", async (t) => {
  const h = await startHarness(t, { scenario: "doctor", accounts: ["one", "two"] });
  const secrets = h.app.parts.accounts.secrets;
  const stored = await Promise.all(h.accountIds.map(async (id) => (await secrets.get(id))!));
  const planted = [h.key, ...stored.flatMap((s) => [s.accessToken, s.refreshToken])];

  // A prompt and a tool result through the relay, so the process has seen them.
  const prompt = "PROMPT-CANARY-7f3a9c1e prompt text must not leave the machine";
  const toolOutput = "TOOL-OUTPUT-CANARY-41b2 secret file contents";
  const client = h.anthropic();
  const first = await client.messages.create({
    model: "claude-opus-4-8",
    max_tokens: 64,
    tools: [{ name: "relay_echo", description: "echo", input_schema: { type: "object", properties: { text: { type: "string" } } } }],
    messages: [{ role: "user", content: prompt }],
  });
  const call = first.content.find((b) => b.type === "tool_use");
  assert.ok(call && call.type === "tool_use");
  await client.messages.create({
    model: "claude-opus-4-8",
    max_tokens: 64,
    tools: [{ name: "relay_echo", description: "echo", input_schema: { type: "object", properties: { text: { type: "string" } } } }],
    messages: [
      { role: "user", content: prompt },
      { role: "assistant", content: first.content },
      { role: "user", content: [{ type: "tool_result", tool_use_id: call.id, content: toolOutput }] },
    ],
  });

  // The second account's self-test fails with a message that quotes its token and the relay key.
  h.fake.setScenario({
    accounts: {
      [h.subs[0]!]: [DOCTOR_TURN],
      [h.subs[1]!]: [[{ text: "partial" }, { fail: "failed_precondition", message: `denied: token ${stored[1]!.accessToken} key ${h.key}` }]],
    },
  });
  const file = join(h.dataDir, "..", `cr-bundle-${process.pid}-${Date.now()}.json`);
  t.after(() => rmSync(file, { force: true }));
  const r = await doctor(h, ["--bundle", file]);
  assert.equal(r.code, 1, "the second account's Run failed");
  assert.match(r.text, /diagnostic bundle written to /);
  const text = readFileSync(file, "utf8");
  assert.equal(statSync(file).mode & 0o777, 0o600);

  for (const secret of planted) for (const needle of needles(secret)) assert.ok(!text.includes(needle), `a secret (${needle.slice(0, 4)}…) reached the bundle`);
  for (const canary of ["PROMPT-CANARY", "TOOL-OUTPUT-CANARY", ECHO_TOOL_ARGS.text, "Self-test answer", "Echo said"]) {
    assert.ok(!text.includes(canary), `${canary} reached the bundle`);
  }
  assert.doesNotMatch(text, /eyJ[\w-]+\./, "no JWT-shaped string");

  // …and it still says what a bug report needs.
  const bundle = JSON.parse(text) as {
    versions: { relay: string; node: string; os: string; cursorClientVersion: string };
    checks: { id: string; status: string; detail: string }[];
    drift: unknown[];
    upstreamErrors: { upstreamCode: string | null; status: number }[];
    cursorHeaders: { method: string; requestHeaders: Record<string, string>; responseHeaders: Record<string, string> | null }[];
    dataDir: { entries: { path: string; type: string; size: number; mode: string }[] };
  };
  assert.equal(bundle.versions.node, process.version);
  assert.match(bundle.versions.relay, /^\d+\.\d+\.\d+/);
  assert.match(bundle.versions.cursorClientVersion, /^cli-\d{4}\.\d{2}\.\d{2}-[0-9a-f]{7}$/);
  const failed = bundle.checks.find((c) => c.id === `run:${h.accountIds[1]}`)!;
  assert.equal(failed.status, "fail");
  assert.match(failed.detail, /failed_precondition: denied: token <redacted> key <redacted>/);
  assert.ok(bundle.upstreamErrors.some((e) => e.upstreamCode === "failed_precondition"));
  const run = bundle.cursorHeaders.find((c) => c.method === "Run")!;
  assert.equal(run.requestHeaders.authorization, "<redacted>");
  assert.match(run.requestHeaders["x-cursor-client-version"] ?? "", /^cli-/);
  assert.equal(run.responseHeaders?.["content-type"], "application/connect+proto");
  const settings = bundle.dataDir.entries.find((e) => e.path === "settings.json")!;
  assert.equal(settings.type, "file");
  assert.equal(settings.mode, "0600");
  assert.ok(settings.size > 0);
});
