// The drift vocabulary of the scenario format: the four drift steps and requireHeaders.
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseScenario, ScenarioError } from "../../fake-cursor/index.ts";

test("drift steps and requireHeaders parse; misspellings are refused with the choices", () => {
  const s = parseScenario({ requireHeaders: ["x-new"], turns: [[{ drift: "unknown-field" }, { drift: "renamed-end-stream" }]] });
  assert.deepEqual(s.requireHeaders, ["x-new"]);
  assert.throws(() => parseScenario({ turns: [[{ drift: "unknown-fields" }]] }), (e: unknown) => e instanceof ScenarioError && /"drift" takes one of unknown-field, unknown-frame-kind/.test(e.message));
  assert.throws(() => parseScenario({ requireHeaders: "x-new", turns: [[{ text: "a" }]] }), /requireHeaders: must be a list of header names/);
});
