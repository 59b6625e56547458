// A restart keeps conversations: `cursor-relay serve` as a real process answers a turn
// (the fake issues a checkpoint), is stopped — cleanly, then with SIGKILL once the
// checkpoint file is on disk — and started again on the same data dir. The next turn of
// the same conversation replays the checkpoint (the fake recognises the bytes it issued)
// and sends only the new user text, not the flattened history.
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { RELAY_BIN, run, serve, type Served } from "../e2e/cli-process.ts";
import { startFakeCursor, type Step } from "../fake-cursor/index.ts";
import { sendChat } from "./chat-client.ts";
import { until } from "../support/until.ts";

const API_KEY = "sk-checkpoint-restart-key";
const ANSWER: Step[] = [{ text: "Answer." }, { tokens: 3 }, { checkpoint: true }, { turnEnded: true }];

test("checkpoints survive a clean restart and a kill -9: the resumed conversation replays its checkpoint", { timeout: 120_000 }, async (t) => {
  const fake = await startFakeCursor({ scenario: { accounts: { "*": [ANSWER] }, login: { pendingPolls: 0 } } });
  const dataDir = mkdtempSync(join(tmpdir(), "cr-ckpt-restart-"));
  const env = { ...process.env, CURSOR_RELAY_DATA_DIR: dataDir, CURSOR_RELAY_CURSOR_API: fake.url, CURSOR_RELAY_SECRET_STORE: "file" };
  let relay: Served | undefined;
  t.after(async () => {
    await relay?.stop();
    await fake.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const login = await run(process.execPath, [RELAY_BIN, "login", "--no-browser", "--label", "restart"], { env });
  assert.equal(login.status, 0, login.stderr);
  const checkpointDir = join(dataDir, "checkpoints");
  const checkpointFiles = () => {
    try {
      return readdirSync(checkpointDir).filter((n) => n.endsWith(".ckpt"));
    } catch {
      return [];
    }
  };

  const history: { role: "user" | "assistant"; content: string }[] = [];
  const ask = (messages: typeof history) =>
    sendChat({
      url: relay!.url,
      key: API_KEY,
      api: "anthropic",
      stream: true,
      deadlineMs: 20_000,
      body: {
        model: "claude-opus-4-8",
        max_tokens: 100,
        metadata: { user_id: JSON.stringify({ device_id: "d", account_uuid: "", session_id: "restart-session" }) },
        messages,
      },
    });
  const turn = async (text: string) => {
    history.push({ role: "user", content: text });
    const o = await ask(history);
    assert.ok(o.ok, JSON.stringify(o));
    history.push({ role: "assistant", content: o.text });
    return fake.runs[fake.runs.length - 1]!;
  };

  relay = await serve(["--port", "0", "--api-key", API_KEY], env);
  const first = await turn("first question");
  assert.equal(first.replayedCheckpoint, false);
  assert.equal(first.checkpointsSent.length, 1);
  assert.equal(await relay.stop(), 0, "a clean stop");
  relay = undefined;
  assert.equal(checkpointFiles().length, 1, "the clean stop wrote the checkpoint");
  assert.equal(statSync(join(checkpointDir, checkpointFiles()[0]!)).mode & 0o777, 0o600);
  assert.equal(statSync(checkpointDir).mode & 0o777, 0o700);

  relay = await serve(["--port", "0", "--api-key", API_KEY], env);
  // A side request of the same client session comes first (Claude Code sends such): it
  // keeps a thread of its own and never touches the main thread's checkpoint.
  const side = await ask([{ role: "user", content: "quota" }]);
  assert.ok(side.ok, JSON.stringify(side));
  const sideRun = fake.runs[fake.runs.length - 1]!;
  assert.notEqual(sideRun.conversationId, first.conversationId);
  assert.equal(sideRun.replayedCheckpoint, false);
  const second = await turn("second question");
  assert.equal(second.conversationId, first.conversationId);
  assert.equal(second.replayedCheckpoint, true, "the checkpoint of the previous run was replayed");
  assert.equal(second.userText, "second question", "only the new text is sent");

  // The checkpoint of the second turn reaches the disk without a clean stop (debounced write).
  const before = checkpointFiles().map((n) => statSync(join(checkpointDir, n)).mtimeMs).join();
  await until("the second checkpoint on disk", () => checkpointFiles().map((n) => statSync(join(checkpointDir, n)).mtimeMs).join() !== before, 10_000);
  relay.child.kill("SIGKILL");
  assert.equal(await relay.stop(), null);
  relay = undefined;

  relay = await serve(["--port", "0", "--api-key", API_KEY], env);
  const third = await turn("third question");
  assert.equal(third.conversationId, first.conversationId);
  assert.equal(third.replayedCheckpoint, true, "the checkpoint written before the kill was replayed");
  assert.equal(third.userText, "third question");
  assert.ok(fake.runs.every((r) => r.outcome === "completed"), JSON.stringify(fake.runs.map((r) => r.outcome)));
});
