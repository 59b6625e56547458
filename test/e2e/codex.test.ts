// The real Codex CLI (@openai/codex from npm) against `cursor-relay serve` backed by the
// fake Cursor: accounts are added with `cursor-relay login`, the relay runs as
// `cursor-relay serve --port 0`, and Codex runs headless with `codex exec`, configured
// with the key line and the ~/.codex/config.toml lines `cursor-relay env` prints (the
// README's "Codex CLI" section).
//
// Codex sends two different tool sets depending on its model: with its default model it
// declares its tools in an `additional_tools` input item and runs shell commands from a
// JavaScript `exec` tool (namespace `functions`); with an older model such as gpt-5 it
// declares `exec_command` as a plain function tool. Both are exercised.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { TEXT_REPLY, TEXT_TURN, TOOL_REPLY_PREFIX, type FakeCursor, type Step } from "../fake-cursor/index.ts";
import { CODEX_BIN, RELAY_BIN, run } from "./cli-process.ts";
import { e2eWorkspace } from "./workspace.ts";

const CODEX_VERSION = JSON.parse(readFileSync(new URL("../../node_modules/@openai/codex/package.json", import.meta.url), "utf8")).version as string;
const EXEC_CALL_ID = "call_exec\n1";

const toolTurn = (toolCall: Extract<Step, { toolCall: unknown }>["toolCall"]): Step[] => [
  { thinking: "I should run the command." },
  { toolCall },
  { replyWithToolResult: TOOL_REPLY_PREFIX },
  { tokens: 4 },
  { checkpoint: true },
  { turnEnded: true },
];

interface CodexEvent {
  type: string;
  thread_id?: string;
  item?: { type: string; text?: string; command?: string; exit_code?: number };
}

interface CodexRig {
  fake: FakeCursor;
  relayStderr(): string;
  codex(args: string[]): Promise<CodexEvent[]>;
}

async function startRig(t: { after(fn: () => unknown): void }, turns: Step[][], extraConfig: string[] = []): Promise<CodexRig> {
  // An explicit key: the keychain's relay key is one per OS user, and tests running in
  // parallel in the same keyring session may regenerate it.
  const relayKey = `sk-relay-codex-e2e-${randomBytes(8).toString("hex")}`;
  const w = await e2eWorkspace(t, { scenario: { accounts: { "*": turns }, login: { pendingPolls: 1 } }, labels: ["e2e"], env: { CURSOR_RELAY_API_KEY: relayKey } });
  const { fake, home, env } = w;
  const served = await w.serve(["--port", "0"]);
  const envOut = await run(process.execPath, [RELAY_BIN, "env", "--json"], { env });
  assert.equal(envOut.status, 0, envOut.stderr);
  // Set up exactly as the README says: the key line and config.toml lines from `cursor-relay env`.
  const setup = JSON.parse(envOut.stdout) as { baseUrl: string; codex: { env: string[]; configToml: string[] } };
  assert.equal(setup.baseUrl, served.url);
  const key = setup.codex.env[0]!.replace("export CURSOR_RELAY_API_KEY=", "");
  assert.equal(key, relayKey);
  mkdirSync(join(home, ".codex"), { recursive: true });
  writeFileSync(join(home, ".codex", "config.toml"), [...extraConfig, ...setup.codex.configToml].join("\n") + "\n");
  const work = join(home, "project");
  mkdirSync(work);
  const codexEnv = { ...process.env, HOME: home, CURSOR_RELAY_API_KEY: key, RUST_LOG: "warn" };
  return {
    fake,
    relayStderr: () => served.stderr(),
    async codex(args) {
      const r = await run(CODEX_BIN, ["exec", ...args], { env: codexEnv, cwd: work, timeoutMs: 120_000 });
      assert.equal(r.status, 0, `codex exited ${r.status}: ${r.stdout}\n${r.stderr}\n--- relay stderr ---\n${served.stderr()}`);
      return r.stdout
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l) as CodexEvent);
    },
  };
}

const COMMON = ["--json", "--skip-git-repo-check", "--dangerously-bypass-approvals-and-sandbox"];
const lastMessage = (events: CodexEvent[]) => events.filter((e) => e.type === "item.completed" && e.item?.type === "agent_message").at(-1)?.item?.text;

test(`Codex CLI ${CODEX_VERSION} (gpt-5 tools): exec_command run by Codex on the same Run, exec resume replaying the checkpoint, a plain answer`, async (t) => {
  const rig = await startRig(t, [toolTurn({ name: "exec_command", args: { cmd: "echo relay-ok" }, id: EXEC_CALL_ID }), TEXT_TURN], ['model = "gpt-5"']);
  const { fake } = rig;

  // (b) Cursor asks for exec_command; Codex runs it; the output goes back on the original Run.
  const first = await rig.codex([...COMMON, "run echo relay-ok"]);
  const threadId = first.find((e) => e.type === "thread.started")?.thread_id;
  assert.ok(threadId, JSON.stringify(first));
  const command = first.find((e) => e.type === "item.completed" && e.item?.type === "command_execution")?.item;
  assert.match(command?.command ?? "", /echo relay-ok/);
  assert.equal(command?.exit_code, 0);
  assert.equal(fake.runs.length, 1, "the command output did not open a second Run");
  const toolRun = fake.runs[0]!;
  assert.equal(toolRun.toolResults.length, 1);
  assert.equal(toolRun.toolResults[0]!.toolCallId, EXEC_CALL_ID);
  assert.match(toolRun.toolResults[0]!.text, /relay-ok/);
  assert.equal(lastMessage(first), `${TOOL_REPLY_PREFIX}${toolRun.toolResults[0]!.text}`);
  assert.ok(toolRun.toolNames.includes("exec_command"), toolRun.toolNames.join(","));
  assert.ok(toolRun.toolNames.includes("multi_agent_v1__spawn_agent"), toolRun.toolNames.join(","));
  assert.match(toolRun.userText, /run echo relay-ok/);
  assert.match(toolRun.systemPrompt ?? "", /Codex CLI/);

  // (c) exec resume continues the thread: the checkpoint is replayed, only the new text sent.
  const resumed = await rig.codex(["resume", ...COMMON, threadId, "and now say hello"]);
  assert.equal(lastMessage(resumed), TEXT_REPLY, JSON.stringify(resumed));
  const resumeRun = fake.runs[1]!;
  assert.equal(resumeRun.conversationId, toolRun.conversationId, "same Codex thread → same Cursor conversation");
  assert.equal(resumeRun.replayedCheckpoint, true);
  assert.equal(resumeRun.userText, "and now say hello");

  // (a) A plain answer in a new thread.
  const plain = await rig.codex([...COMMON, "say hello"]);
  assert.equal(lastMessage(plain), TEXT_REPLY);
  assert.notEqual(fake.runs[2]!.conversationId, toolRun.conversationId);
  assert.ok(plain.some((e) => e.type === "turn.completed"));

  await fake.waitForIdle();
  assert.equal(fake.openStreams, 0);
});

test(`Codex CLI ${CODEX_VERSION} (default model, tools in additional_tools): the JavaScript exec tool runs a shell command on the same Run; a plain answer`, async (t) => {
  const script = 'const r = await tools.exec_command({ cmd: "echo relay-ok" });\ntext(r);';
  const rig = await startRig(t, [toolTurn({ name: "functions__exec", args: { input: script }, id: EXEC_CALL_ID }), TEXT_TURN]);
  const { fake } = rig;
  const first = await rig.codex([...COMMON, "run echo relay-ok"]);
  assert.equal(fake.runs.length, 1, `the tool output did not open a second Run: ${JSON.stringify(first)}`);
  const toolRun = fake.runs[0]!;
  assert.ok(toolRun.toolNames.includes("functions__exec"), toolRun.toolNames.join(","));
  assert.equal(toolRun.toolResults.length, 1, JSON.stringify(first));
  assert.equal(toolRun.toolResults[0]!.toolCallId, EXEC_CALL_ID);
  assert.match(toolRun.toolResults[0]!.text, /relay-ok/);
  assert.equal(lastMessage(first), `${TOOL_REPLY_PREFIX}${toolRun.toolResults[0]!.text}`);

  const plain = await rig.codex([...COMMON, "say hello"]);
  assert.equal(lastMessage(plain), TEXT_REPLY);
  await fake.waitForIdle();
  assert.equal(fake.openStreams, 0);
});
