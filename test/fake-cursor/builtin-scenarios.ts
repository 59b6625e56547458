// The built-in scenarios, selectable by name (options.scenario / --scenario).
import { parseScenario, ScenarioError, type Scenario, type Step } from "./scenario.ts";

/** The reply of the `text` scenario, exported so tests can compare against it. */
export const TEXT_REPLY = "Hello from fake Cursor.";
export const TEXT_THINKING = "The user said hello; answer briefly.";
/** tool_call_id of the tool-bash scenario: contains a newline on purpose (docs/protocol.md §5.2). */
export const BASH_TOOL_CALL_ID = "toolu_01\nbash";
export const TOOL_REPLY_PREFIX = "Tool said: ";

export const TEXT_TURN: Step[] = [
  { thinking: TEXT_THINKING },
  { thinkingDone: 120 },
  { heartbeat: true },
  { text: "Hello from " },
  { tokens: 3 },
  { text: "fake Cursor." },
  { tokens: 2 },
  { checkpoint: true },
  { turnEnded: true },
];

const BASH_TURN: Step[] = [
  { thinking: "I should run the command." },
  { tokens: 1 },
  { toolCall: { name: "Bash", args: { command: "echo relay-ok" }, id: BASH_TOOL_CALL_ID } },
  { replyWithToolResult: TOOL_REPLY_PREFIX },
  { tokens: 4 },
  { checkpoint: true },
  { turnEnded: true },
];

/** What the `doctor` scenario's model passes to the relay's own echo tool. */
export const ECHO_TOOL_ARGS = { text: "cursor-relay self-test" };

/** The self-test of `cursor-relay doctor`: a one-line answer, then a round trip through the relay's echo tool. */
export const DOCTOR_TURN: Step[] = [
  { text: "Self-test answer." },
  { tokens: 2 },
  { toolCall: { name: "relay_echo", args: ECHO_TOOL_ARGS, announce: true } },
  { replyWithToolResult: " Echo said: " },
  { tokens: 3 },
  { checkpoint: true },
  { turnEnded: true },
];

const builtins: Record<string, Scenario> = {
  text: { name: "text", accounts: { "*": [TEXT_TURN] } },
  "tool-bash": { name: "tool-bash", accounts: { "*": [BASH_TURN, TEXT_TURN] } },
  "exhausted-first": {
    name: "exhausted-first",
    accounts: {
      "@1": [[{ fail: "resource_exhausted", message: "You have reached your usage limit (fake Cursor)." }]],
      "*": [TEXT_TURN],
    },
  },
  "exhausted-after-text": {
    name: "exhausted-after-text",
    accounts: {
      "*": [[{ text: "Partial answer " }, { tokens: 2 }, { fail: "resource_exhausted", message: "You have reached your usage limit (fake Cursor)." }]],
    },
  },
  doctor: { name: "doctor", accounts: { "*": [DOCTOR_TURN] } },
};

export const BUILTIN_SCENARIO_NAMES = Object.keys(builtins);

/** A Scenario object is validated; a string must name a built-in. */
export function resolveScenario(scenario: Scenario | string | undefined): Scenario {
  if (scenario === undefined) return builtins.text!;
  if (typeof scenario === "string") {
    const found = builtins[scenario];
    if (!found) throw new ScenarioError(`unknown scenario "${scenario}"; built-ins: ${BUILTIN_SCENARIO_NAMES.join(", ")}`);
    return found;
  }
  return parseScenario(scenario);
}
