import { test } from "node:test";
import assert from "node:assert/strict";
import { parseActionInput, type ControlActionName } from "../../../app/base/control-contract.ts";
import { RelayError } from "../../../app/base/errors.ts";
import { MANAGEMENT_KEY, assertNoCors, startManagement } from "./management-helpers.ts";
import { TEST_RELAY_KEY, sampleAccount } from "./memory-control.ts";

const errorOf = (r: { json(): unknown }) => (r.json() as { error: { type: string; message: string } }).error;

test("the management key is required (Bearer, exact), with a clear 401", async (t) => {
  const h = await startManagement(t);
  for (const auth of [null, "Bearer", "Bearer wrong-key-wrong-key-wrong", `Basic ${MANAGEMENT_KEY}`, `Bearer ${MANAGEMENT_KEY}x`]) {
    const r = await h.call("GET", "/v0/management/snapshot", { auth });
    assert.equal(r.status, 401, String(auth));
    assert.equal(errorOf(r).type, "authentication");
    assert.match(r.headers["www-authenticate"] ?? "", /^Bearer /);
    assert.ok(!r.text.includes(MANAGEMENT_KEY));
  }
  // The relay's x-api-key style does not count for the management API.
  const viaHeader = await h.call("GET", "/v0/management/snapshot", { auth: null, headers: { "x-api-key": MANAGEMENT_KEY } });
  assert.equal(viaHeader.status, 401);
  const ok = await h.call("GET", "/v0/management/snapshot", { auth: `bearer ${MANAGEMENT_KEY}` });
  assert.equal(ok.status, 200);
  assert.equal((ok.json() as { version: number }).version, 1);
  assert.equal(ok.headers["cache-control"], "no-store");
  assert.equal(h.control.calls.length, 1, "only the authorised call reached the control API");
  assertNoCors(h.seenHeaders);
});

test("a Host that is not a loopback name is refused with 421 (DNS rebinding), before auth", async (t) => {
  const h = await startManagement(t);
  for (const host of ["evil.example", `evil.example:${h.port}`, "127.0.0.1.evil.example", "10.0.0.5:80", "localhost.:80", "[::2]:1", "127.0.0.1:99999"]) {
    const r = await h.call("GET", "/v0/management/snapshot", { host });
    assert.equal(r.status, 421, host);
    assert.equal(errorOf(r).type, "permission");
    const ui = await h.call("GET", "/ui/", { host, auth: null });
    assert.equal(ui.status, 421, `/ui with ${host}`);
  }
  // No Host at all: Node's server already answers 400 (HTTP/1.1 requires one); never served.
  const none = await h.call("GET", "/v0/management/snapshot", { host: false });
  assert.ok(none.status === 400 || none.status === 421, String(none.status));
  for (const host of [`localhost:${h.port}`, `LOCALHOST:${h.port}`, `[::1]:${h.port}`, "127.0.0.1", `127.0.0.1:${h.port}`]) {
    const r = await h.call("GET", "/v0/management/snapshot", { host });
    assert.equal(r.status, 200, host);
  }
  assert.equal(h.control.calls.length, 5);
});

test("a foreign browser Origin is refused with 403 and no CORS header anywhere", async (t) => {
  const h = await startManagement(t);
  const own = `http://127.0.0.1:${h.port}`;
  for (const origin of ["http://evil.example", `http://localhost:${h.port}`, `http://127.0.0.1:${h.port + 1}`, "null", `https://127.0.0.1:${h.port}`]) {
    const r = await h.call("POST", "/v0/management/proxy", { json: { running: false }, headers: { origin } });
    assert.equal(r.status, 403, origin);
    assert.equal(errorOf(r).type, "permission");
    const pre = await h.call("OPTIONS", "/v0/management/proxy", {
      auth: null,
      headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "authorization" },
    });
    assert.equal(pre.status, 403, `preflight from ${origin}`);
  }
  assert.equal(h.control.calls.length, 0);
  const same = await h.call("POST", "/v0/management/proxy", { json: { running: false }, headers: { origin: own } });
  assert.equal(same.status, 204);
  assert.deepEqual(h.control.calls, [{ name: "setProxyRunning", args: [false] }]);
  assertNoCors(h.seenHeaders);
});

test("every action over its route: status, result and the ControlApi call it makes", async (t) => {
  const h = await startManagement(t);
  h.control.update((s) => {
    s.accounts.push(sampleAccount({ id: "cursor.work", state: "cooling", cooldownUntil: Date.now() + 60_000 }));
    s.accounts.push(sampleAccount({ id: "cursor.my team" }));
  });

  assert.equal((await h.call("POST", "/v0/management/proxy", { json: { running: false } })).status, 204);
  const login = await h.call("POST", "/v0/management/logins", { json: { label: "  home  " } });
  assert.equal(login.status, 200);
  const view = login.json() as { handle: string; url: string; state: string; label: string | null };
  assert.equal(view.state, "waiting");
  assert.equal(view.label, "home", "the label is trimmed by the contract");
  assert.equal((await h.call("POST", "/v0/management/logins", { json: { label: null } })).status, 200);
  assert.equal((await h.call("POST", "/v0/management/logins", { json: { label: "   " } })).status, 200);
  assert.equal((await h.call("POST", "/v0/management/logins")).status, 200, "no body: no label");
  assert.equal((await h.call("DELETE", `/v0/management/logins/${view.handle}`)).status, 204);
  assert.equal((await h.call("PATCH", "/v0/management/accounts/cursor.work", { json: { label: "office" } })).status, 204);
  assert.equal((await h.call("PATCH", "/v0/management/accounts/cursor.work", { json: { label: "" } })).status, 204, "empty clears");
  assert.equal((await h.call("POST", "/v0/management/accounts/cursor.work/reset")).status, 204);
  assert.equal((await h.call("DELETE", "/v0/management/accounts/cursor.my%20team")).status, 204, "ids are percent-decoded");
  assert.equal((await h.call("POST", "/v0/management/relay-key/regenerate")).status, 204);
  const key = await h.call("POST", "/v0/management/relay-key/reveal");
  assert.equal(key.status, 200);
  const revealed = key.json();
  assert.equal(typeof revealed, "string");
  assert.notEqual(revealed, TEST_RELAY_KEY, "regenerate changed it");
  const hidden = await h.call("GET", "/v0/management/client-setup");
  assert.equal(hidden.status, 200);
  assert.ok(!hidden.text.includes(String(revealed)), "the key is hidden unless asked for");
  const shown = await h.call("GET", "/v0/management/client-setup?revealKey=true");
  assert.ok((shown.json() as { claudeCodeEnv: string[] }).claudeCodeEnv.includes(`export ANTHROPIC_AUTH_TOKEN=${String(revealed)}`));
  const configured = await h.call("POST", "/v0/management/claude-code/configure");
  assert.equal(configured.status, 200);
  assert.equal((configured.json() as { settingsPath: string }).settingsPath, "/home/user/.claude/settings.json");
  assert.equal((await h.call("POST", "/v0/management/claude-code/undo")).status, 204);
  const codex = await h.call("POST", "/v0/management/codex/configure");
  assert.equal(codex.status, 200);
  assert.equal((codex.json() as { configPath: string }).configPath, "/home/user/.codex/config.toml");
  assert.equal((await h.call("POST", "/v0/management/codex/undo")).status, 204);
  const again = await h.call("POST", "/v0/management/codex/undo");
  assert.equal(again.status, 404, "nothing left to undo");

  assert.deepEqual(
    h.control.calls.map((c) => [c.name, ...c.args]),
    [
      ["setProxyRunning", false],
      ["startLogin", "home"],
      ["startLogin", null],
      ["startLogin", null],
      ["startLogin", null],
      ["cancelLogin", view.handle],
      ["renameAccount", "cursor.work", "office"],
      ["renameAccount", "cursor.work", ""],
      ["resetCooldown", "cursor.work"],
      ["removeAccount", "cursor.my team"],
      ["regenerateRelayKey"],
      ["revealRelayKey"],
      ["getClientSetup", { revealKey: false }],
      ["getClientSetup", { revealKey: true }],
      ["configureClaudeCode"],
      ["undoConfigureClaudeCode"],
      ["configureCodex"],
      ["undoConfigureCodex"],
      ["undoConfigureCodex"],
    ],
  );
  const snap = (await h.call("GET", "/v0/management/snapshot")).json() as { proxy: { running: boolean }; accounts: Array<{ id: string; state: string; label: string | null }> };
  assert.equal(snap.proxy.running, false);
  assert.deepEqual(snap.accounts.map((a) => [a.id, a.state, a.label]), [["cursor.work", "ready", null]]);
});

test("bad arguments are 400s with the contract's own message, and never reach the ControlApi", async (t) => {
  const h = await startManagement(t);
  h.control.update((s) => s.accounts.push(sampleAccount({ id: "cursor.work" })));
  const cases: Array<[string, string, unknown, ControlActionName, unknown, RegExp]> = [
    ["POST", "/v0/management/proxy", {}, "setProxyRunning", {}, /`running` must be true or false/],
    ["POST", "/v0/management/proxy", { running: "yes" }, "setProxyRunning", { running: "yes" }, /`running` must be true or false/],
    ["POST", "/v0/management/proxy", { running: true, force: 1 }, "setProxyRunning", { running: true, force: 1 }, /unknown field `force`/],
    ["POST", "/v0/management/logins", { label: "../etc" }, "startLogin", { label: "../etc" }, /`label` "\.\.\/etc" is not allowed/],
    ["POST", "/v0/management/logins", { label: 7 }, "startLogin", { label: 7 }, /`label` must be a string/],
    ["PATCH", "/v0/management/accounts/cursor.work", { label: "a/b" }, "renameAccount", { id: "cursor.work", label: "a/b" }, /not allowed/],
    ["PATCH", "/v0/management/accounts/cursor.work", {}, "renameAccount", { id: "cursor.work" }, /`label` must be a string/],
    ["PATCH", "/v0/management/accounts/cursor.work", { label: "x".repeat(65) }, "renameAccount", { id: "cursor.work", label: "x".repeat(65) }, /not allowed/],
    ["POST", "/v0/management/accounts/cursor.work/reset", { now: true }, "resetCooldown", { id: "cursor.work", now: true }, /unknown field `now`/],
    ["POST", "/v0/management/relay-key/regenerate", { length: 10 }, "regenerateRelayKey", { length: 10 }, /unknown field `length` \(expected none\)/],
  ];
  for (const [method, path, body, action, ipcInput, pattern] of cases) {
    const r = await h.call(method, path, { json: body });
    assert.equal(r.status, 400, `${method} ${path} ${JSON.stringify(body)}`);
    const err = errorOf(r);
    assert.equal(err.type, "invalid_request");
    assert.match(err.message, pattern);
    assert.ok(err.message.startsWith(`${action}: `), err.message);
    // The IPC face validates the same input object with the same words.
    assert.throws(() => parseActionInput(action, ipcInput), (e: unknown) => e instanceof RelayError && e.message === err.message);
  }
  const more: Array<[string, string, { json?: unknown; raw?: string; headers?: Record<string, string> }, number, RegExp]> = [
    ["PATCH", "/v0/management/accounts/cursor.work", { json: { id: "cursor.other", label: "x" } }, 400, /`id` belongs in the path/],
    ["POST", "/v0/management/proxy", { json: [true] }, 400, /must be a JSON object/],
    ["POST", "/v0/management/proxy", { json: "on" }, 400, /must be a JSON object/],
    ["POST", "/v0/management/proxy", { raw: "{running:", headers: { "content-type": "application/json" } }, 400, /not valid JSON/],
    ["POST", "/v0/management/proxy", { raw: '{"running":true}', headers: { "content-type": "text/plain" } }, 415, /application\/json/],
    ["POST", "/v0/management/proxy", { json: { running: true, pad: "x".repeat(70_000) } }, 413, /larger than the relay's limit of 64 KB/],
    ["GET", "/v0/management/client-setup?revealKey=maybe", {}, 400, /`revealKey` must be true or false/],
    ["GET", "/v0/management/snapshot?since=3", {}, 400, /unknown field `since`/],
    ["GET", "/v0/management/nothing-here", {}, 404, /no management route GET/],
    ["GET", "/v0/management/", {}, 404, /no management route/],
    ["DELETE", "/v0/management/logins/", {}, 404, /no management route/],
    ["DELETE", "/v0/management/accounts/%E0%A4%A", {}, 404, /no management route/],
    ["GET", "/v0/management/proxy", {}, 405, /GET is not allowed .* \(use POST\)/],
    ["POST", "/v0/management/events", {}, 405, /use GET/],
  ];
  for (const [method, path, o, status, pattern] of more) {
    const r = await h.call(method, path, o);
    assert.equal(r.status, status, `${method} ${path}`);
    assert.match(errorOf(r).message, pattern, `${method} ${path}`);
  }
  const wrongMethod = await h.call("PUT", "/v0/management/accounts/cursor.work");
  assert.equal(wrongMethod.status, 405);
  assert.deepEqual(wrongMethod.headers.allow?.split(", ").sort(), ["DELETE", "PATCH"]);
  assert.deepEqual(h.control.calls, [], "nothing invalid reached the control API");
  assertNoCors(h.seenHeaders);
});

test("errors from the ControlApi keep their status and kind; surprises are 500 internal", async (t) => {
  const h = await startManagement(t);
  const missing = await h.call("POST", "/v0/management/accounts/cursor.ghost/reset");
  assert.equal(missing.status, 404);
  assert.deepEqual(errorOf(missing), { type: "not_found", message: 'no account "cursor.ghost"' });
  const undo = await h.call("POST", "/v0/management/claude-code/undo");
  assert.equal(undo.status, 409);
  h.control.failWith = new Error("disk on fire");
  const boom = await h.call("GET", "/v0/management/snapshot");
  assert.equal(boom.status, 500);
  assert.deepEqual(errorOf(boom), { type: "internal", message: "disk on fire" });
});

test("requests that are not the handler's pass through untouched", async (t) => {
  const h = await startManagement(t);
  for (const path of ["/v1/messages", "/", "/uix", "/v0/managementx", "/v0/manage/snapshot", "/ui-assets/x.js"]) {
    const r = await h.call("POST", path, { auth: null, host: "evil.example" });
    assert.equal(r.status, 418, path);
  }
});

test("the handler refuses a short management key", () => {
  assert.throws(
    () => startManagementWithKey("short"),
    (e: unknown) => e instanceof RelayError && /at least 16/.test(e.message),
  );
});

import { createManagementHandler } from "../../../app/gateway/management/index.ts";
import { silentLogger } from "../../../app/base/log.ts";
import { createMemoryControl } from "./memory-control.ts";
function startManagementWithKey(key: string) {
  return createManagementHandler({ control: createMemoryControl(), managementKey: key, uiDir: null, logger: silentLogger });
}
