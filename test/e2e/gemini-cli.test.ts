// The real Gemini CLI (@google/gemini-cli from npm) against `cursor-relay serve` backed by
// the fake Cursor: accounts added with `cursor-relay login`, the relay on `--port 0`,
// Gemini CLI headless with `-p`, HOME in a temp dir holding only the settings a user
// writes (API-key auth) plus switches that keep it off the network (telemetry, usage
// statistics, update checks).
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { TEXT_REPLY, TEXT_TURN, TOOL_REPLY_PREFIX, type FakeCursor, type Scenario, type Step } from "../fake-cursor/index.ts";
import { ROOT, RELAY_BIN, run } from "./cli-process.ts";
import { e2eWorkspace } from "./workspace.ts";

const GEMINI_BIN = `${ROOT}node_modules/.bin/gemini`;
const GEMINI_VERSION = JSON.parse(readFileSync(new URL("../../node_modules/@google/gemini-cli/package.json", import.meta.url), "utf8")).version as string;

/** Gemini CLI first asks a small model to score the prompt; a valid JSON answer picks the model. */
const CLASSIFIER_TURN: Step[] = [{ text: '```json\n{"complexity_reasoning": "Simple request.", "complexity_score": 10}\n```' }, { turnEnded: true }];
const SHELL_TURN: Step[] = [
  { thinking: "I should run the command." },
  { toolCall: { name: "run_shell_command", args: { command: "echo relay-ok", description: "Print relay-ok" }, id: "call_shell\n1" } },
  { replyWithToolResult: TOOL_REPLY_PREFIX },
  { tokens: 4 },
  { checkpoint: true },
  { turnEnded: true },
];

interface GeminiJson {
  response: string;
  stats: { models: Record<string, { api: { totalErrors: number }; roles: Record<string, unknown> }> };
}

/** The model Gemini CLI ran the turn itself on (role "main"). */
const mainModel = (r: GeminiJson): string | undefined => Object.entries(r.stats.models).find(([, m]) => "main" in m.roles)?.[0];

interface Setup {
  fake: FakeCursor;
  url: string;
  key: string;
  home: string;
  /** The workspace Gemini CLI runs in (outside HOME, so its own ~/.gemini files are not part of it). */
  project: string;
  /** HTTP(S)_PROXY of the CLI: records every connection attempt and refuses it. */
  proxyUrl: string;
  proxyHits: string[];
  relayStderr(): string;
}

async function refusingProxy(t: { after(fn: () => unknown): void }): Promise<{ url: string; hits: string[] }> {
  const hits: string[] = [];
  const server = createServer((socket) => {
    socket.once("data", (d: Buffer) => hits.push(d.toString("latin1").split("\r\n")[0]!));
    socket.on("error", () => undefined);
    setTimeout(() => socket.destroy(), 50);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  t.after(() => new Promise<void>((r) => server.close(() => r())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits };
}

async function setUp(t: { after(fn: () => unknown): void }, scenario: Scenario, labels: string[]): Promise<Setup> {
  const w = await e2eWorkspace(t, { scenario, labels });
  const { fake, home, env } = w;
  const project = mkdtempSync(join(tmpdir(), "cr-e2e-project-"));
  t.after(() => rmSync(project, { recursive: true, force: true }));
  const served = await w.serve(["--port", "0"]);
  const envOut = await run(process.execPath, [RELAY_BIN, "env", "--json"], { env });
  assert.equal(envOut.status, 0, envOut.stderr);
  const setup = JSON.parse(envOut.stdout) as { geminiCli: { env: string[]; settings: unknown } };
  const geminiEnv = Object.fromEntries(setup.geminiCli.env.map((l) => /^export ([A-Z_]+)=(.*)$/.exec(l)!.slice(1, 3) as [string, string]));
  assert.equal(geminiEnv.GOOGLE_GEMINI_BASE_URL, served.url);
  // The settings `cursor-relay env` tells the user to write, plus this test's quiet switches.
  const settings = {
    ...(setup.geminiCli.settings as Record<string, unknown>),
    privacy: { usageStatisticsEnabled: false },
    telemetry: { enabled: false },
    general: { enableAutoUpdate: false, enableAutoUpdateNotification: false },
    tools: { useRipgrep: false },
  };
  mkdirSync(join(home, ".gemini"));
  writeFileSync(join(home, ".gemini", "settings.json"), JSON.stringify(settings));
  const proxy = await refusingProxy(t);
  return { fake, url: served.url, key: geminiEnv.GEMINI_API_KEY!, home, project, proxyUrl: proxy.url, proxyHits: proxy.hits, relayStderr: () => served.stderr() };
}

async function gemini(s: Setup, args: string[]): Promise<GeminiJson> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: s.home,
    GOOGLE_GEMINI_BASE_URL: s.url,
    GEMINI_API_KEY: s.key,
    GEMINI_CLI_TRUST_WORKSPACE: "true",
    // Anything that would still try the network goes to a local proxy that refuses it (and is counted).
    HTTPS_PROXY: s.proxyUrl,
    HTTP_PROXY: s.proxyUrl,
    NO_PROXY: "127.0.0.1,localhost",
    TERM: "xterm-256color",
    COLORTERM: "truecolor",
  };
  const r = await run(GEMINI_BIN, ["--output-format", "json", ...args], { env, cwd: s.project, timeoutMs: 120_000 });
  assert.equal(r.status, 0, `gemini exited ${r.status}: ${r.stdout}\n${r.stderr}\n--- relay stderr ---\n${s.relayStderr()}`);
  // No retries, fallbacks or warnings: the classifier's JSON was valid, every call answered.
  // (The YOLO notice and the CLI's own start-up profiler lines are not about the relay.)
  const noise = r.stderr.split("\n").filter((l) => l.trim() !== "" && !/^YOLO mode is enabled|^\[STARTUP\] /.test(l));
  assert.deepEqual(noise, [], r.stderr);
  assert.deepEqual(s.proxyHits, [], "Gemini CLI tried to reach the network");
  return JSON.parse(r.stdout) as GeminiJson;
}

test(`Gemini CLI ${GEMINI_VERSION}: a plain answer, then run_shell_command resumed on the same Run`, async (t) => {
  const s = await setUp(t, { accounts: { "*": [CLASSIFIER_TURN, TEXT_TURN, CLASSIFIER_TURN, SHELL_TURN, CLASSIFIER_TURN] } }, ["gem-e2e"]);

  // (a) The classifier call gets valid JSON; the answer is the fake's text.
  const plain = await gemini(s, ["-p", "say hello"]);
  assert.equal(plain.response, TEXT_REPLY);
  // The classifier's score (10) routed the turn to a Flash model: its JSON answer was read, not a fallback.
  assert.match(mainModel(plain) ?? "", /flash/, JSON.stringify(plain.stats.models));
  assert.ok(Object.values(plain.stats.models).every((m) => m.api.totalErrors === 0));
  assert.equal(s.fake.runs.length, 2);
  assert.match(s.fake.runs[0]!.systemPrompt ?? "", /Task Routing AI[\s\S]*matching this JSON Schema/);
  assert.match(s.fake.runs[1]!.userText, /say hello/);
  assert.ok(s.fake.runs[1]!.toolNames.includes("read_file"), s.fake.runs[1]!.toolNames.join(","));

  // (b) Cursor asks for run_shell_command; Gemini CLI runs it (--yolo); the output goes back on the same Run.
  const shell = await gemini(s, ["--yolo", "-p", "run echo relay-ok"]);
  assert.match(shell.response, new RegExp(`^${TOOL_REPLY_PREFIX}[\\s\\S]*relay-ok`));
  const toolRun = s.fake.runs[3]!;
  assert.ok(toolRun.toolNames.includes("run_shell_command"), toolRun.toolNames.join(","));
  assert.equal(toolRun.toolResults.length, 1);
  assert.equal(toolRun.toolResults[0]!.toolCallId, "call_shell\n1");
  assert.match(toolRun.toolResults[0]!.text, /relay-ok/);
  assert.equal(s.fake.runs.length, 4, "the tool result did not open another Run");
  await s.fake.waitForIdle();
  assert.equal(s.fake.openStreams, 0);
});

test(`Gemini CLI ${GEMINI_VERSION} with two accounts: A is out of quota before any text, the turn succeeds on B`, async (t) => {
  const s = await setUp(
    t,
    { accounts: { "@1": [[{ fail: "resource_exhausted", message: "quota" }]], "*": [CLASSIFIER_TURN, TEXT_TURN] } },
    ["gem-a", "gem-b"],
  );
  const r = await gemini(s, ["-p", "say hello"]);
  assert.equal(r.response, TEXT_REPLY);
  assert.deepEqual(
    s.fake.runs.map((x) => x.outcome),
    ["failed", "completed", "completed"],
  );
  assert.notEqual(s.fake.runs[0]!.sub, s.fake.runs[1]!.sub);
});
