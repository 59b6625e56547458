// The real Claude Code CLI (@anthropic-ai/claude-code from npm) against `cursor-relay
// serve` backed by the fake Cursor, every part a real process or socket: accounts are
// added with `cursor-relay login`, the relay runs as `cursor-relay serve --port 0`, and
// Claude Code runs headless with `-p`.
import assert from "node:assert/strict";
import { test } from "node:test";
import { BASH_TOOL_CALL_ID, TEXT_REPLY, TOOL_REPLY_PREFIX, TEXT_TURN, type Step } from "../fake-cursor/index.ts";
import { CLAUDE_BIN, claudeEnv, claudeVersion, RELAY_BIN, run, type Served } from "./cli-process.ts";
import { e2eWorkspace } from "./workspace.ts";

const CLAUDE_VERSION = claudeVersion();

const BASH_THEN_TEXT: Step[][] = [
  [
    { thinking: "I should run the command." },
    { toolCall: { name: "Bash", args: { command: "echo relay-ok" }, id: BASH_TOOL_CALL_ID } },
    { replyWithToolResult: TOOL_REPLY_PREFIX },
    { tokens: 4 },
    { checkpoint: true },
    { turnEnded: true },
  ],
  TEXT_TURN,
];

interface ClaudeResult {
  result: string;
  session_id: string;
  is_error: boolean;
  num_turns: number;
  usage: { output_tokens: number };
}

test(`Claude Code ${CLAUDE_VERSION}: a plain answer, a Bash tool call resumed on the same stream, and --resume replaying the checkpoint`, async (t) => {
  // A new user: log in (the fake completes the browser login on its second poll), then serve.
  const w = await e2eWorkspace(t, { scenario: { accounts: { "*": BASH_THEN_TEXT }, login: { pendingPolls: 1 } }, labels: ["e2e"] });
  const { fake, home, env } = w;
  const login = w.logins[0]!;
  assert.match(login.stdout, /Please visit this URL to log in: http/);
  assert.match(login.stdout, /Logged in: Cursor e2e \(account id cursor\.e2e\)/);
  let served: Served | undefined = await w.serve(["--port", "0"]);
  const envOut = await run(process.execPath, [RELAY_BIN, "env", "--json"], { env });
  assert.equal(envOut.status, 0, envOut.stderr);
  const setup = JSON.parse(envOut.stdout) as { baseUrl: string; relayRunning: boolean; claudeCode: string[] };
  assert.equal(setup.baseUrl, served.url);
  assert.equal(setup.relayRunning, true);
  const key = setup.claudeCode[1]!.replace("export ANTHROPIC_AUTH_TOKEN=", "");

  const claudeProcessEnv = claudeEnv(home, served.url, key);
  const claude = async (args: string[]): Promise<ClaudeResult> => {
    const r = await run(CLAUDE_BIN, ["--output-format", "json", "--allowedTools", "Bash", ...args], { env: claudeProcessEnv, cwd: home, timeoutMs: 90_000 });
    assert.equal(r.status, 0, `claude exited ${r.status}: ${r.stdout}\n${r.stderr}\n--- relay stderr ---\n${served?.stderr()}`);
    return JSON.parse(r.stdout) as ClaudeResult;
  };

  // (b) Cursor asks for Bash; Claude Code runs it; the result goes back on the original stream.
  const first = await claude(["-p", "run echo relay-ok"]);
  assert.equal(first.is_error, false);
  assert.equal(first.result, `${TOOL_REPLY_PREFIX}relay-ok`);
  assert.equal(first.num_turns, 2);
  assert.equal(fake.runs.length, 1, "the tool result did not open a second Run");
  const toolRun = fake.runs[0]!;
  assert.equal(toolRun.toolResults.length, 1);
  assert.equal(toolRun.toolResults[0]!.toolCallId, BASH_TOOL_CALL_ID);
  assert.equal(toolRun.toolResults[0]!.text.trim(), "relay-ok");
  assert.ok(toolRun.toolNames.includes("Bash"), toolRun.toolNames.join(","));
  assert.match(toolRun.userText, /run echo relay-ok/);
  assert.equal(toolRun.checkpointsSent.length, 1);

  // (c) --resume continues the session: the checkpoint is replayed, only the new text sent.
  const resumed = await claude(["-p", "--resume", first.session_id, "and now say hello"]);
  assert.equal(resumed.result, TEXT_REPLY);
  const resumeRun = fake.runs[1]!;
  assert.equal(resumeRun.conversationId, toolRun.conversationId, "same Claude Code session → same Cursor conversation");
  assert.equal(resumeRun.replayedCheckpoint, true);
  assert.match(resumeRun.userText, /and now say hello/);
  assert.doesNotMatch(resumeRun.userText, /run echo relay-ok/, "with a checkpoint the history is not flattened");

  // (a) A plain answer in a new session.
  const plain = await claude(["-p", "say hello"]);
  assert.equal(plain.result, TEXT_REPLY);
  assert.ok(plain.usage.output_tokens > 0);
  assert.notEqual(fake.runs[2]!.conversationId, toolRun.conversationId);

  await fake.waitForIdle();
  assert.equal(fake.openStreams, 0);

  // Usage reached the account: the CLI shows it once the relay has flushed (on stop).
  assert.equal(await served.stop(), 0);
  served = undefined;
  const accounts = await run(process.execPath, [RELAY_BIN, "accounts", "--json"], { env });
  const rows = JSON.parse(accounts.stdout) as { id: string; requests: number; tokensTotal: { output: number } }[];
  const row = rows.find((r) => r.id === "cursor.e2e")!;
  assert.equal(row.requests, 4, "four client requests: tool_use, its continuation, the resumed turn, the plain one");
  assert.equal(row.tokensTotal.output, 4 + 5 + 5, "output tokens = the token deltas the fake sent (4 in the tool turn, 5 in each text turn)");
});

test(`Claude Code ${CLAUDE_VERSION} with two accounts: A is out of quota before any text, the turn succeeds on B`, async (t) => {
  const w = await e2eWorkspace(t, { scenario: "exhausted-first", labels: ["e2e-a", "e2e-b"] });
  const { fake, home, env } = w;
  const served = await w.serve(["--port", "0", "--api-key", "sk-e2e-failover-key"]);
  const r = await run(CLAUDE_BIN, ["-p", "say hello", "--output-format", "json"], {
    env: claudeEnv(home, served.url, "sk-e2e-failover-key"),
    cwd: home,
    timeoutMs: 90_000,
  });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.equal((JSON.parse(r.stdout) as ClaudeResult).result, TEXT_REPLY);
  assert.deepEqual(
    fake.runs.map((x) => x.outcome),
    ["failed", "completed"],
  );
  assert.notEqual(fake.runs[0]!.sub, fake.runs[1]!.sub);
  const list = await run(process.execPath, [RELAY_BIN, "accounts", "--json"], { env });
  const rows = JSON.parse(list.stdout) as { id: string; state: string }[];
  assert.equal(rows.find((x) => x.id === "cursor.e2e-a")?.state, "cooling");
});

test(`Claude Code ${CLAUDE_VERSION}: --resume after a relay restart replays the persisted checkpoint`, async (t) => {
  const w = await e2eWorkspace(t, { scenario: { accounts: { "*": [TEXT_TURN] }, login: { pendingPolls: 0 } }, labels: ["e2e-restart"] });
  const { fake, home } = w;
  const key = "sk-e2e-restart-key";
  let served: Served | undefined;
  const claude = async (args: string[]): Promise<ClaudeResult> => {
    const r = await run(CLAUDE_BIN, ["--output-format", "json", ...args], {
      env: claudeEnv(home, served!.url, key),
      cwd: home,
      timeoutMs: 90_000,
    });
    assert.equal(r.status, 0, `claude exited ${r.status}: ${r.stdout}\n${r.stderr}\n--- relay stderr ---\n${served?.stderr()}`);
    return JSON.parse(r.stdout) as ClaudeResult;
  };

  served = await w.serve(["--port", "0", "--api-key", key]);
  const first = await claude(["-p", "say hello"]);
  assert.equal(first.result, TEXT_REPLY);
  assert.equal(fake.runs.length, 1);
  assert.equal(fake.runs[0]!.checkpointsSent.length, 1);

  // The relay restarts (an app update, a reboot); Claude Code resumes its session.
  assert.equal(await served.stop(), 0);
  served = await w.serve(["--port", "0", "--api-key", key]);
  const resumed = await claude(["-p", "--resume", first.session_id, "and now say goodbye"]);
  assert.equal(resumed.result, TEXT_REPLY);
  const resumeRun = fake.runs[fake.runs.length - 1]!;
  assert.equal(resumeRun.conversationId, fake.runs[0]!.conversationId, "same Claude Code session → same Cursor conversation");
  assert.equal(resumeRun.replayedCheckpoint, true, "the checkpoint persisted by the first relay process was replayed");
  assert.match(resumeRun.userText, /and now say goodbye/);
  assert.doesNotMatch(resumeRun.userText, /say hello|USER:|Continue your response/, "only the new text, not the flattened history");
});
