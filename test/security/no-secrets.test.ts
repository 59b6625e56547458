// A full session with known secret values — two browser logins through the fake Cursor
// (their access and refresh tokens are on the fake's record), a login from the dashboard,
// a forced refresh and a 401 → refresh on a turn, a tool call resumed on its stream,
// quota failures before and after text, Cursor refusing an account — and then every log
// line, every answer any client got (bodies and headers), every snapshot (the ControlApi,
// the management API and its SSE stream) and every file in the data dir is scanned for
// every token and key, whole or in part. Nothing may be found.
import assert from "node:assert/strict";
import { get, type IncomingMessage } from "node:http";
import { test } from "node:test";
import type { Scenario } from "../fake-cursor/index.ts";
import { TOOL_REPLY_PREFIX } from "../fake-cursor/index.ts";
import { createFuzzClient, type FuzzResponse } from "../fuzz/support/http-client.ts";
import { startHarness } from "../support/relay-harness.ts";

const MODEL = "claude-opus-4-8";

/** The secret itself and 16-character pieces of its random part (a token cut short still counts). */
function needles(secret: string): string[] {
  const random = secret.includes(".") ? secret.slice(secret.lastIndexOf(".") + 1) : secret; // a JWT's signature
  const pieces = [secret];
  for (const at of [0, Math.floor((random.length - 16) / 2), random.length - 16]) {
    if (random.length >= 16) pieces.push(random.slice(at, at + 16));
  }
  return [...new Set(pieces)];
}

/** Reads an SSE response until stopped. */
function collectSse(url: string, headers: Record<string, string>): Promise<{ text: () => string; stop: () => void; res: IncomingMessage }> {
  return new Promise((resolve, reject) => {
    let text = "";
    const req = get(url, { headers }, (res) => {
      res.on("data", (c: Buffer) => (text += c.toString("utf8")));
      res.on("error", () => {});
      resolve({ text: () => text, stop: () => req.destroy(), res });
    });
    req.on("error", (e) => (text === "" ? reject(e) : undefined));
  });
}

test("a full session leaves no token or key in any log line, client answer, snapshot, event or data-dir file", async (t) => {
  const toolTurn = { prologue: false, steps: [{ toolCall: { name: "Bash", args: { command: "echo relay-ok" }, id: "toolu_sec_1" } }, { replyWithToolResult: TOOL_REPLY_PREFIX }, { tokens: 3 }, { turnEnded: true }] };
  const textTurn = { prologue: false, steps: [{ text: "plain answer" }, { tokens: 2 }, { checkpoint: true }, { turnEnded: true }] };
  const h = await startHarness(t, { accounts: ["alpha", "beta"], scenario: { turns: [toolTurn] } as Scenario });
  const client = createFuzzClient(h.url);
  t.after(() => client.close());
  const responses: FuzzResponse[] = [];
  const call = async (path: string, body: unknown, headers: Record<string, string> = { "x-api-key": h.key }) => {
    const res = await client.send({ method: "POST", path, headers: { ...headers, "content-type": "application/json" }, body: Buffer.from(JSON.stringify(body)) });
    responses.push(res);
    return res;
  };
  const mgmt = async (method: string, path: string, body?: unknown) => {
    const res = await client.send({
      method,
      path: `/v0/management/${path}`,
      headers: { authorization: `Bearer ${h.app.managementKey}`, "content-type": "application/json" },
      body: body === undefined ? undefined : Buffer.from(JSON.stringify(body)),
    });
    responses.push(res);
    return res;
  };
  const events = await collectSse(`${h.url}/v0/management/events`, { authorization: `Bearer ${h.app.managementKey}` });
  const published: string[] = [];
  const unsubscribe = h.app.control.subscribe((s) => published.push(JSON.stringify(s)));
  t.after(unsubscribe);

  // 1. A tool call, resumed on the same stream with its result.
  const tools = [{ name: "Bash", description: "run", input_schema: { type: "object", properties: { command: { type: "string" } } } }];
  const first = await call("/v1/messages", { model: MODEL, max_tokens: 64, tools, messages: [{ role: "user", content: "run it" }] });
  assert.equal(first.status, 200, first.body.toString("utf8"));
  const toolUse = (JSON.parse(first.body.toString("utf8")) as { content: { type: string; id: string }[] }).content.find((b) => b.type === "tool_use")!;
  const second = await call("/v1/messages", {
    model: MODEL,
    max_tokens: 64,
    tools,
    messages: [
      { role: "user", content: "run it" },
      { role: "assistant", content: [toolUse] },
      { role: "user", content: [{ type: "tool_result", tool_use_id: toolUse.id, content: "relay-ok" }] },
    ],
  });
  assert.match(second.body.toString("utf8"), /Tool said: relay-ok/);

  // 2. A refresh on demand, and a turn whose first answer is 401 (refresh once, then retry).
  await h.app.parts.accounts.registry.refreshNow(h.accountIds[0]!);
  // Account alpha is refused on every Run from now on: 401 → one refresh → 401 again → it is
  // marked as needing a new login and the turn moves to beta.
  h.fake.setScenario({ accounts: { [h.subs[0]!]: [[{ fail: "unauthenticated", message: "token expired" }]], "*": [textTurn] } } as Scenario);
  for (let i = 0; i < 3; i++) await call("/v1/chat/completions", { model: MODEL, messages: [{ role: "user", content: `after refresh ${i}` }] });
  assert.ok(h.fake.refreshes.length >= 2, `refreshes: ${h.fake.refreshes.length}`);
  for (const id of h.accountIds) await h.app.control.resetCooldown(id);

  // 3. Failures: quota before text (failover, then every account cooling), quota after text, Cursor refusing a login.
  h.fake.setScenario({ turns: [[{ fail: "resource_exhausted", message: "monthly quota" }]] } as Scenario);
  const cooling = await call("/v1/messages", { model: MODEL, max_tokens: 16, messages: [{ role: "user", content: "quota" }] });
  assert.equal(cooling.status, 429);
  for (const id of h.accountIds) await h.app.control.resetCooldown(id);
  h.fake.setScenario({ turns: [[{ text: "partial " }, { sleepMs: 10 }, { fail: "resource_exhausted", message: "quota mid-way" }]] } as Scenario);
  const midway = await call("/v1/chat/completions", { model: MODEL, stream: true, messages: [{ role: "user", content: "stream" }] });
  assert.match(midway.body.toString("utf8"), /"error"/);
  for (const id of h.accountIds) await h.app.control.resetCooldown(id);
  h.fake.setScenario({ turns: [[{ fail: "permission_denied", message: "account blocked" }]] } as Scenario);
  const refused = await call("/v1/messages", { model: MODEL, max_tokens: 16, stream: true, messages: [{ role: "user", content: "refused" }] });
  assert.ok(refused.status >= 400, refused.body.toString("utf8"));

  // 4. Wrong keys, and the management API: a login from the dashboard, snapshots, setup lines.
  await call("/v1/messages", { model: MODEL, messages: [] }, { "x-api-key": `${h.key}x` });
  await call("/v1/messages", { model: MODEL, messages: [] }, { authorization: `Bearer ${h.app.managementKey}` });
  h.fake.setScenario({ turns: [textTurn], login: { pendingPolls: 0, subs: ["auth0|user_dashboard_login"] } } as Scenario);
  const login = await mgmt("POST", "logins", { label: "from dashboard" });
  assert.equal(login.status, 200, login.body.toString("utf8"));
  const handle = (JSON.parse(login.body.toString("utf8")) as { handle: string }).handle;
  await h.app.parts.logins.result(handle);
  // A turn after the dashboard login: its checkpoint is persisted in the data dir (scanned below).
  const persisted = await call("/v1/messages", { model: MODEL, max_tokens: 16, messages: [{ role: "user", content: "keep this conversation" }] });
  assert.equal(persisted.status, 200, persisted.body.toString("utf8"));
  await mgmt("GET", "snapshot");
  await mgmt("GET", "client-setup");
  await mgmt("DELETE", "logins/no-such-login");
  await mgmt("PATCH", `accounts/${encodeURIComponent(h.accountIds[1]!)}`, { label: "renamed" });
  await new Promise((r) => setTimeout(r, 600)); // the coalesced snapshot push
  const snapshots = [JSON.stringify(await h.app.control.getSnapshot()), ...published];
  events.stop();
  await h.app.stop(); // flush state and usage to disk before reading the files
  const files = h.files();

  // Every secret of the session, from the fake's own records and the relay.
  const secrets = new Map<string, string>();
  for (const l of h.fake.logins) {
    if (l.accessToken) secrets.set(`access token (login ${l.sub})`, l.accessToken);
    if (l.refreshToken) secrets.set(`refresh token (login ${l.sub})`, l.refreshToken);
  }
  h.fake.refreshes.forEach((r, i) => {
    secrets.set(`refresh token sent (refresh ${i}, ${r.sub})`, r.refreshToken);
    if (r.accessToken) secrets.set(`refreshed access token (refresh ${i}, ${r.sub})`, r.accessToken);
    if (r.newRefreshToken) secrets.set(`refreshed refresh token (refresh ${i}, ${r.sub})`, r.newRefreshToken);
  });
  secrets.set("relay key", h.key);
  secrets.set("management key", h.app.managementKey);
  assert.ok(h.fake.logins.filter((l) => l.accessToken).length >= 3, "three logins");
  assert.ok(secrets.size >= 12, `${secrets.size} secrets`);

  const haystacks: [string, string][] = [
    ...h.logLines.map((l, i) => [`log line ${i}`, l] as [string, string]),
    ...responses.map((r, i) => [`client answer ${i} (${r.status})`, JSON.stringify(r.headers) + "\n" + r.body.toString("utf8")] as [string, string]),
    ...snapshots.map((s, i) => [`snapshot ${i}`, s] as [string, string]),
    ["management SSE stream", events.text()],
    ...files.map((f) => [`file ${f.path}`, f.text] as [string, string]),
  ];
  const hits: string[] = [];
  for (const [name, secret] of secrets) {
    for (const needle of needles(secret)) {
      for (const [where, text] of haystacks) if (text.includes(needle)) hits.push(`${name} (${needle.length === secret.length ? "whole" : "part"}) in ${where}`);
    }
  }
  t.diagnostic(
    `scanned ${h.logLines.length} log lines, ${responses.length} client answers, ${snapshots.length} snapshots, ${events.text().length} bytes of SSE, ${files.length} data-dir files for ${secrets.size} secrets: ${hits.length} hits`,
  );
  assert.ok(h.logLines.length > 20 && events.text().includes("event: snapshot") && files.some((f) => f.path.endsWith("settings.json")) && files.some((f) => f.path.endsWith(".ckpt")), "the scan had something to scan (a persisted checkpoint too)");
  assert.deepEqual(hits, []);
});
