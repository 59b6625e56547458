// The real Codex CLI (@openai/codex from npm) against `cursor-relay serve` backed by the
// fake Cursor: accounts are added with `cursor-relay login`, the relay runs as
// `cursor-relay serve --port 0`, and Codex runs headless with `codex exec`, configured
// by $HOME/.codex/config.toml exactly as the README's "Codex CLI" section says.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { startFakeCursor, TEXT_REPLY, TEXT_TURN, TOOL_REPLY_PREFIX, type Step } from "../fake-cursor/index.ts";
import { CODEX_BIN, RELAY_BIN, run, serve } from "./cli-process.ts";

const CODEX_VERSION = JSON.parse(readFileSync(new URL("../../node_modules/@openai/codex/package.json", import.meta.url), "utf8")).version as string;
const EXEC_CALL_ID = "call_exec\n1";

/** Codex's own shell tool, with the argument shape Codex declares for it. */
const EXEC_THEN_TEXT: Step[][] = [
  [
    { thinking: "I should run the command." },
    { toolCall: { name: "exec_command", args: { cmd: "echo relay-ok" }, id: EXEC_CALL_ID } },
    { replyWithToolResult: TOOL_REPLY_PREFIX },
    { tokens: 4 },
    { checkpoint: true },
    { turnEnded: true },
  ],
  TEXT_TURN,
];

interface CodexEvent {
  type: string;
  thread_id?: string;
  item?: { type: string; text?: string; command?: string; aggregated_output?: string; exit_code?: number };
}

test(`Codex CLI ${CODEX_VERSION}: a shell command run by Codex on the same Run, exec resume replaying the checkpoint, a plain answer`, async (t) => {
  const fake = await startFakeCursor({ scenario: { accounts: { "*": EXEC_THEN_TEXT }, login: { pendingPolls: 1 } } });
  const dataDir = mkdtempSync(join(tmpdir(), "cr-e2e-data-"));
  const home = mkdtempSync(join(tmpdir(), "cr-e2e-home-"));
  const env = { ...process.env, CURSOR_RELAY_DATA_DIR: dataDir, CURSOR_RELAY_CURSOR_API: fake.url };
  let served: Awaited<ReturnType<typeof serve>> | undefined;
  t.after(async () => {
    await served?.stop();
    await run(process.execPath, [RELAY_BIN, "accounts", "remove", "cursor.e2e"], { env }).catch(() => undefined);
    await fake.close();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
  });

  const login = await run(process.execPath, [RELAY_BIN, "login", "--no-browser", "--label", "e2e"], { env });
  assert.equal(login.status, 0, login.stderr);
  served = await serve(["--port", "0"], env);
  const envOut = await run(process.execPath, [RELAY_BIN, "env", "--json"], { env });
  assert.equal(envOut.status, 0, envOut.stderr);
  const setup = JSON.parse(envOut.stdout) as { baseUrl: string; claudeCode: string[] };
  const key = setup.claudeCode[1]!.replace("export ANTHROPIC_AUTH_TOKEN=", "");

  mkdirSync(join(home, ".codex"), { recursive: true });
  writeFileSync(
    join(home, ".codex", "config.toml"),
    [
      'model = "gpt-5"',
      'model_provider = "cursor-relay"',
      "",
      "[model_providers.cursor-relay]",
      'name = "Cursor Relay"',
      `base_url = "${served.url}/v1"`,
      'env_key = "CURSOR_RELAY_API_KEY"',
      'wire_api = "responses"',
      "",
    ].join("\n"),
  );
  const work = join(home, "project");
  mkdirSync(work);
  const codexEnv = { ...process.env, HOME: home, CODEX_HOME: join(home, ".codex"), CURSOR_RELAY_API_KEY: key, RUST_LOG: "warn" };
  const codex = async (args: string[]): Promise<CodexEvent[]> => {
    const r = await run(CODEX_BIN, ["exec", ...args], { env: codexEnv, cwd: work, timeoutMs: 120_000 });
    assert.equal(r.status, 0, `codex exited ${r.status}: ${r.stdout}\n${r.stderr}\n--- relay stderr ---\n${served?.stderr()}`);
    return r.stdout
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as CodexEvent);
  };
  const common = ["--json", "--skip-git-repo-check", "--dangerously-bypass-approvals-and-sandbox"];
  const lastMessage = (events: CodexEvent[]) => events.filter((e) => e.type === "item.completed" && e.item?.type === "agent_message").at(-1)?.item?.text;

  // (b) Cursor asks for exec_command; Codex runs it; the output goes back on the original Run.
  const first = await codex([...common, "run echo relay-ok"]);
  const threadId = first.find((e) => e.type === "thread.started")?.thread_id;
  assert.ok(threadId, JSON.stringify(first));
  const command = first.find((e) => e.type === "item.completed" && e.item?.type === "command_execution")?.item;
  assert.match(command?.command ?? "", /echo relay-ok/);
  assert.equal(command?.exit_code, 0);
  assert.equal(lastMessage(first), `${TOOL_REPLY_PREFIX}${fake.runs[0]?.toolResults[0]?.text}`);
  assert.equal(fake.runs.length, 1, "the command output did not open a second Run");
  const toolRun = fake.runs[0]!;
  assert.equal(toolRun.toolResults.length, 1);
  assert.equal(toolRun.toolResults[0]!.toolCallId, EXEC_CALL_ID);
  assert.match(toolRun.toolResults[0]!.text, /relay-ok/);
  assert.ok(toolRun.toolNames.includes("exec_command"), toolRun.toolNames.join(","));
  assert.ok(toolRun.toolNames.includes("multi_agent_v1__spawn_agent"), toolRun.toolNames.join(","));
  assert.match(toolRun.userText, /run echo relay-ok/);
  assert.match(toolRun.systemPrompt ?? "", /Codex CLI/);

  // (c) exec resume continues the thread: the checkpoint is replayed, only the new text sent.
  const resumed = await codex(["resume", ...common, threadId, "and now say hello"]);
  assert.equal(lastMessage(resumed), TEXT_REPLY, JSON.stringify(resumed) + "\n" + JSON.stringify(fake.runs.map((r) => [r.conversationId, r.userText.slice(0, 300), r.outcome])));
  const resumeRun = fake.runs[1]!;
  assert.equal(resumeRun.conversationId, toolRun.conversationId, "same Codex thread → same Cursor conversation");
  assert.equal(resumeRun.replayedCheckpoint, true);
  assert.equal(resumeRun.userText, "and now say hello");

  // (a) A plain answer in a new thread.
  const plain = await codex([...common, "say hello"]);
  assert.equal(lastMessage(plain), TEXT_REPLY);
  assert.notEqual(fake.runs[2]!.conversationId, toolRun.conversationId);
  assert.ok(plain.some((e) => e.type === "turn.completed"));

  await fake.waitForIdle();
  assert.equal(fake.openStreams, 0);
});
