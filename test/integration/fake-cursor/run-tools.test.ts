// Tool traffic: the tool-bash MCP round trip on the same stream (with server heartbeats
// while waiting), native exec rejections, an unknown exec kind, unknown ToolCall kind 37,
// and a frame carrying both a KV request and an interaction update.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ExecServerMessageSchema } from "../../../proto/gen/agent/v1/agent_pb.ts";
import { BASH_TOOL_CALL_ID, startFakeCursor, TEXT_REPLY, type Scenario } from "../../fake-cursor/index.ts";
import { mcpArgsJson, RunClient, updateCases } from "./run-client.ts";

test("tool-bash: exec mcp_args, result on the same stream, `Tool said: <result>`; later turns answer as text", async (t) => {
  const fake = await startFakeCursor({ scenario: { ...(await builtin("tool-bash")), serverHeartbeatMs: 20 } });
  t.after(() => fake.close());
  const token = fake.mintAccessToken("auth0|tools");
  let seenExec: { name: string; toolName: string; id: string; args: unknown } | undefined;
  const run = new RunClient(fake.url, {
    token,
    tools: ["Bash"],
    onToolCall: (exec, r) => {
      if (exec.message.case !== "mcpArgs") return;
      const a = exec.message.value;
      seenExec = { name: a.name, toolName: a.toolName, id: a.toolCallId, args: mcpArgsJson(exec) };
      // Answer late so the fake has to keep the stream alive with heartbeats.
      setTimeout(() => r.sendToolResult(exec, "relay-ok\n"), 150);
    },
  });
  assert.equal(await run.finish(), null);
  assert.deepEqual(seenExec, { name: "Bash", toolName: "Bash", id: BASH_TOOL_CALL_ID, args: { command: "echo relay-ok" } });
  assert.ok(BASH_TOOL_CALL_ID.includes("\n"));
  assert.equal(run.text(), "Tool said: relay-ok\n");
  const cases = updateCases(run);
  const execAt = cases.indexOf("exec:mcpArgs");
  const textAt = cases.indexOf("textDelta");
  assert.ok(execAt >= 0 && textAt > execAt);
  assert.ok(cases.slice(execAt, textAt).filter((c) => c === "heartbeat").length >= 2, cases.join(","));
  assert.equal(cases.at(-1), "turnEnded");

  await fake.waitForIdle(2000);
  const rec = fake.runs[0]!;
  assert.equal(rec.toolResults.length, 1);
  assert.deepEqual(
    { ...rec.toolResults[0], execIdString: rec.toolResults[0]!.execIdString.startsWith("exec-") },
    { execId: rec.toolResults[0]!.execId, execIdString: true, toolCallId: BASH_TOOL_CALL_ID, text: "relay-ok\n", isError: false, kind: "success" },
  );
  assert.ok(rec.execReplies.some((e) => e.execId === rec.toolResults[0]!.execId && e.field === 11));

  const second = new RunClient(fake.url, { token });
  assert.equal(await second.finish(), null);
  assert.equal(second.text(), TEXT_REPLY);
});

test("native exec, unknown exec field 99, tool kind 37 and a multi-field frame are all sent and answered replies recorded", async (t) => {
  const scenario: Scenario = {
    turns: [
      [
        { nativeExec: "read" },
        { unknownExec: { field: 99, wait: false } },
        { toolCallStarted: { kind: 37, callId: "call_37" } },
        { multiFieldFrame: { text: "both ", kvSet: "{\"role\":\"assistant\",\"content\":\"x\"}" } },
        { text: "done" },
        { turnEnded: true },
      ],
    ],
  };
  const fake = await startFakeCursor({ scenario });
  t.after(() => fake.close());
  const run = new RunClient(fake.url, { token: fake.mintAccessToken("auth0|native") });
  assert.equal(await run.finish(), null);

  const read = run.frames.find((f) => f.exec?.message.case === "readArgs")!.exec!;
  assert.equal(read.message.case === "readArgs" ? read.message.value.path : "", "/etc/hosts");
  const unknown = run.frames.find((f) => f.exec && f.exec.message.case === undefined)!.exec!;
  assert.deepEqual(unknown.$unknown?.map((u) => u.no), [99]);
  assert.equal(ExecServerMessageSchema.fields.some((f) => f.number === 99), false);
  const started = run.updates.find((u) => u.message.case === "toolCallStarted")!;
  assert.equal(started.message.case, "toolCallStarted");
  if (started.message.case === "toolCallStarted") {
    assert.equal(started.message.value.callId, "call_37");
    assert.equal(started.message.value.toolCall?.tool.case, undefined);
    assert.deepEqual(started.message.value.toolCall?.$unknown?.map((u) => u.no), [37]);
  }
  const multi = run.frames.find((f) => f.kv && f.update)!;
  assert.equal(multi.kv?.message.case, "setBlobArgs");
  assert.equal(multi.update?.message.case, "textDelta");
  assert.equal(run.text(), "both done");

  await fake.waitForIdle(2000);
  const rec = fake.runs[0]!;
  assert.deepEqual(rec.execReplies.map((e) => e.field), [7]);
  assert.equal(rec.injected, "multi_field_frame");
  assert.ok(rec.kvReplies.some((k) => k.kind === "set"));
});

async function builtin(name: string): Promise<Scenario> {
  const { resolveScenario } = await import("../../fake-cursor/index.ts");
  return resolveScenario(name);
}
