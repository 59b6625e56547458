// The control contract: every ControlApi action has a spec; what a client builds for
// an action is what the server matches and validates back, for any id or label.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  MANAGEMENT_PREFIX,
  callAction,
  controlActionNames,
  controlActions,
  httpCallFor,
  httpInput,
  inputFromArgs,
  matchHttpRoute,
  parseActionInput,
  type ControlActionName,
} from "../../../app/base/control-contract.ts";
import { RelayError } from "../../../app/base/errors.ts";
import { createMemoryControl } from "./memory-control.ts";

/** What a server makes of a client's call: route, params, query/body → validated input. */
function serverSide(name: ControlActionName, input: object): unknown {
  const call = httpCallFor(name, input);
  const url = new URL(call.path, "http://127.0.0.1");
  assert.ok(url.pathname.startsWith(MANAGEMENT_PREFIX));
  const route = matchHttpRoute(call.method, url.pathname.slice(MANAGEMENT_PREFIX.length));
  assert.equal(route.kind, "action");
  if (route.kind !== "action") return null;
  assert.equal(route.name, name);
  const body = call.body === undefined ? undefined : JSON.parse(JSON.stringify(call.body));
  const merged = httpInput(name, route.params, url.searchParams, body);
  assert.ok(merged.ok, merged.ok ? "" : merged.error);
  return parseActionInput(name, merged.ok ? merged.value : null);
}

test("every ControlApi method except subscribe is an action with a unique channel and route", () => {
  const control = createMemoryControl();
  const methods = Object.keys(control).filter((k) => typeof (control as unknown as Record<string, unknown>)[k] === "function");
  const expected = methods.filter((m) => !["subscribe", "update", "completeLogin"].includes(m)).sort();
  assert.deepEqual([...controlActionNames].sort(), expected);
  const channels = controlActionNames.map((n) => controlActions[n].channel);
  assert.equal(new Set(channels).size, channels.length);
  assert.ok(channels.every((c) => c.startsWith("cursor-relay:")));
  const routes = controlActionNames.map((n) => `${controlActions[n].method} ${controlActions[n].path}`);
  assert.equal(new Set(routes).size, routes.length);
});

test("client and server agree for any id, handle or label", () => {
  const id = fc.string({ minLength: 1, maxLength: 40 }).filter((s) => !/[\u0000-\u001f\u007f]/.test(s) && s !== "." && s !== "..");
  const label = fc.stringMatching(/^[a-z0-9][a-z0-9 ._@+-]{0,20}$/);
  fc.assert(
    fc.property(id, label, fc.boolean(), (anyId, anyLabel, flag) => {
      const cases: Array<[ControlActionName, unknown[]]> = [
        ["getSnapshot", []],
        ["setProxyRunning", [flag]],
        ["startLogin", [anyLabel]],
        ["startLogin", [null]],
        ["cancelLogin", [anyId]],
        ["removeAccount", [anyId]],
        ["renameAccount", [anyId, anyLabel]],
        ["resetCooldown", [anyId]],
        ["regenerateRelayKey", []],
        ["revealRelayKey", []],
        ["getClientSetup", [{ revealKey: flag }]],
        ["getClientSetup", []],
        ["configureClaudeCode", []],
        ["undoConfigureClaudeCode", []],
        ["runSelfTest", []],
        ["configureCodex", []],
        ["undoConfigureCodex", []],
        ["refreshQuota", ["acc-1"]],
        ["refreshQuota", [null]],
      ];
      for (const [name, args] of cases) {
        const input = inputFromArgs(name, args as never);
        assert.deepEqual(serverSide(name, input), parseActionInput(name, input), `${name}(${JSON.stringify(args)})`);
      }
    }),
    { numRuns: 200 },
  );
});

test("callAction validates before calling, and calls with positional arguments", async () => {
  const control = createMemoryControl();
  await assert.rejects(callAction(control, "setProxyRunning", { running: 1 }), (e: unknown) => e instanceof RelayError && e.status === 400);
  await assert.rejects(callAction(control, "getSnapshot", null), /getSnapshot: arguments must be a JSON object/);
  await assert.rejects(callAction(control, "cancelLogin", { handle: "a\nb" }), /`handle` is not a valid handle/);
  await assert.rejects(callAction(control, "removeAccount", { id: "x".repeat(201) }), /at most 200/);
  await assert.rejects(callAction(control, "removeAccount", { id: ".." }), /not "\." or "\.\."/);
  assert.deepEqual(control.calls, []);
  await callAction(control, "setProxyRunning", { running: false });
  await callAction(control, "startLogin", { label: "  " });
  await callAction(control, "startLogin", {});
  assert.deepEqual(control.calls, [
    { name: "setProxyRunning", args: [false] },
    { name: "startLogin", args: [null] },
    { name: "startLogin", args: [null] },
  ]);
});

test("labels follow the accounts layer's rule", () => {
  for (const ok of ["work", "Büro 2", "a.b_c@d+e-f", "x".repeat(64)]) assert.equal(parseActionInput("startLogin", { label: ok }).label, ok);
  for (const bad of ["-lead", ".hidden", "a/b", "x".repeat(65), "tab\there", "<script>"]) {
    assert.throws(() => parseActionInput("startLogin", { label: bad }), /is not allowed|must be/, bad);
  }
});

test("matchHttpRoute goes through the one router: decoded params, the event stream, 405 with the allowed methods, 404", () => {
  assert.deepEqual(matchHttpRoute("DELETE", "accounts/a%2Fb%20c"), { kind: "action", name: "removeAccount", params: { id: "a/b c" } });
  assert.deepEqual(matchHttpRoute("PATCH", "accounts/x"), { kind: "action", name: "renameAccount", params: { id: "x" } });
  assert.deepEqual(matchHttpRoute("GET", "events"), { kind: "events" });
  assert.deepEqual(matchHttpRoute("POST", "events"), { kind: "method_not_allowed", allow: ["GET"] });
  assert.deepEqual(matchHttpRoute("GET", "accounts/x"), { kind: "method_not_allowed", allow: ["DELETE", "PATCH"] });
  assert.deepEqual(matchHttpRoute("DELETE", "accounts/%ZZ"), { kind: "not_found" }, "a malformed escape is not found");
  assert.deepEqual(matchHttpRoute("DELETE", "accounts/"), { kind: "not_found" });
  assert.deepEqual(matchHttpRoute("GET", "no-such-route"), { kind: "not_found" });
});
