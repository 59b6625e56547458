// The scenario format: validation errors name the bad spot, account/turn selection,
// built-in names, the load-mode text, and every shipped example file parses.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { parseScenario, ScenarioError, selectTurn, turnSteps } from "../../fake-cursor/scenario.ts";
import { BUILTIN_SCENARIO_NAMES, resolveScenario } from "../../fake-cursor/builtin-scenarios.ts";
import { loadText, LOAD_PATTERN } from "../../fake-cursor/run-script.ts";

const dir = new URL("../../fake-cursor/scenarios/", import.meta.url);

test("every example scenario in test/fake-cursor/scenarios parses", () => {
  const files = readdirSync(dir).filter((f) => f.endsWith(".json"));
  assert.ok(files.length >= 6);
  for (const f of files) {
    const s = parseScenario(JSON.parse(readFileSync(new URL(f, dir), "utf8")));
    assert.ok(Object.keys(s.accounts ?? {}).length > 0, f);
  }
});

test("validation errors say where and what", () => {
  const bad: [unknown, RegExp][] = [
    [{ turns: [[{ txt: "hi" }]] }, /turns 0 step 0: a step needs exactly one of/],
    [{ turns: [[{ text: "a", tokens: 1 }]] }, /exactly one/],
    [{ turns: [[{ fail: "quota" }]] }, /"fail" takes a Connect code/],
    [{ turns: [[{ text: "a" }, { httpStatus: 500 }]] }, /"httpStatus" must be the first step/],
    [{ turns: [[{ text: "a" }, { refuseStream: true }]] }, /"refuseStream" must be the first step/],
    [{ turns: [[{ refuseStream: "calm" }]] }, /"refuseStream" takes true or a number/],
    [{ turns: [[{ nativeExec: "teleport" }]] }, /"nativeExec" takes one of/],
    [{ turns: [[{ malformed: "sneaky" }]] }, /"malformed" takes one of/],
    [{ turns: [[{ textBytes: 10, chunk: 4 }]] }, /unknown key "chunk"/],
    [{ turns: [] }, /non-empty/],
    [{ turn: [] }, /unknown key "turn"/],
    [{ turns: [[{ text: "x" }]], accounts: { "*": [[{ text: "y" }]] } }, /either "turns" or accounts/],
    ["text", /must be a JSON object/],
  ];
  for (const [raw, re] of bad) assert.throws(() => parseScenario(raw), (e: unknown) => e instanceof ScenarioError && re.test(e.message), JSON.stringify(raw));
});

test("turn selection: exact sub, then @ordinal, then *; the last entry repeats", () => {
  const s = parseScenario({
    accounts: {
      "auth0|a": [[{ text: "a0" }], [{ text: "a1" }]],
      "@2": [[{ text: "second" }]],
      "*": [{ prologue: false, steps: [{ text: "star" }] }],
    },
  });
  const text = (sub: string, ordinal: number, i: number) => JSON.stringify(turnSteps(selectTurn(s, sub, ordinal, i)!).steps);
  assert.equal(text("auth0|a", 2, 0), '[{"text":"a0"}]');
  assert.equal(text("auth0|a", 2, 5), '[{"text":"a1"}]');
  assert.equal(text("auth0|b", 2, 0), '[{"text":"second"}]');
  assert.equal(text("auth0|c", 3, 0), '[{"text":"star"}]');
  assert.equal(turnSteps(selectTurn(s, "auth0|c", 3, 0)!).prologue, false);
  assert.equal(turnSteps(selectTurn(s, "auth0|a", 1, 0)!).prologue, true);
  assert.equal(selectTurn(parseScenario({ accounts: { x: [[{ text: "x" }]] } }), "y", 1, 0), undefined);
});

test("built-ins resolve by name; an unknown name lists them", () => {
  assert.deepEqual(BUILTIN_SCENARIO_NAMES, ["text", "tool-bash", "exhausted-first", "exhausted-after-text", "doctor"]);
  for (const n of BUILTIN_SCENARIO_NAMES) assert.equal(resolveScenario(n).name, n);
  assert.equal(resolveScenario(undefined).name, "text");
  assert.throws(() => resolveScenario("nope"), /unknown scenario "nope"; built-ins: text, tool-bash/);
});

test("load-mode text: exact length, chunks restart the pattern", () => {
  assert.equal(loadText(10, 4), "abcdabcdab");
  assert.equal(loadText(1000, 64).length, 1000);
  const chunk = (LOAD_PATTERN + LOAD_PATTERN).slice(0, 100);
  assert.equal(loadText(130, 100), chunk + chunk.slice(0, 30));
});
