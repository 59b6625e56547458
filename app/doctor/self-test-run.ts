// The live self-test: one minimal Run on an account, driven straight through the Cursor
// client like the session layer drives it. It asks for a one-line answer and a call of
// the relay's own harmless echo tool, answers that call on the same stream, and expects a
// checkpoint and turn_ended — so login, the KV prologue, request context, a tool call,
// its result, the checkpoint and the end of the turn are all exercised. Its tokens are
// counted here only: nothing reaches the accounts' usage figures.
import { randomUUID } from "node:crypto";
import type { Clock } from "../base/clock.ts";
import { RelayError } from "../base/errors.ts";
import { CursorRunStream } from "../cursor/run.ts";
import type { CursorTransport } from "../cursor/transport.ts";
import type { ToolDefinition } from "../cursor/types.ts";
import { BUG_REPORT, errorText, fail, pass, type CheckOutcome } from "./check.ts";

export const ECHO_TOOL_NAME = "relay_echo";

/** Declared by the relay itself: it only echoes its input, so calling it is harmless. */
export const ECHO_TOOL: ToolDefinition = {
  name: ECHO_TOOL_NAME,
  description: "Returns its `text` argument unchanged. Used by the Cursor Relay self-test.",
  inputSchema: { type: "object", properties: { text: { type: "string" } }, required: ["text"] },
};

export const SELF_TEST_PROMPT =
  `This is an automated connection test. Reply with one short line, then call the ${ECHO_TOOL_NAME} tool ` +
  `once with {"text":"cursor-relay self-test"}, then reply with one short line and stop.`;

export interface SelfTestRunOptions {
  transport: CursorTransport;
  clock: Clock;
  token: string;
  modelId: string;
  /** The whole turn must end within this (default 90 s). */
  timeoutMs: number;
  heartbeatMs?: number;
}

export interface SelfTestRunResult {
  outcome: CheckOutcome;
  tokens: number;
}

const echoText = (argsJson: string): string => {
  try {
    const v = JSON.parse(argsJson) as { text?: unknown };
    return typeof v.text === "string" ? v.text : "";
  } catch {
    return "";
  }
};

export async function selfTestRun(options: SelfTestRunOptions): Promise<SelfTestRunResult> {
  const { clock } = options;
  const run = new CursorRunStream(
    {
      client: options.transport.client,
      clock,
      heartbeatMs: options.heartbeatMs ?? 5000,
      stallTimeoutMs: options.timeoutMs,
      newUuid: randomUUID,
    },
    { accessToken: options.token, conversationId: randomUUID(), modelId: options.modelId, userText: SELF_TEST_PROMPT, blobs: new Map(), tools: [ECHO_TOOL] },
  );
  let timedOut = false;
  const timer = clock.setTimeout(() => {
    timedOut = true;
    run.close();
  }, options.timeoutMs);
  let answerChars = 0;
  let tokens = 0;
  let echoed = 0;
  let otherCalls = 0;
  let checkpoint = false;
  let turnEnded = false;
  try {
    for await (const ev of run.events) {
      if (ev.type === "text") answerChars += ev.text.length;
      else if (ev.type === "tokens") tokens += ev.tokens;
      else if (ev.type === "checkpoint") checkpoint = true;
      else if (ev.type === "turn_ended") turnEnded = true;
      else if (ev.type === "tool_call") {
        if (ev.call.name === ECHO_TOOL_NAME) {
          echoed++;
          run.sendToolResult(ev.call, { text: echoText(ev.call.argsJson), isError: false });
        } else {
          otherCalls++;
          run.sendToolResult(ev.call, { text: `Only ${ECHO_TOOL_NAME} is available in this test.`, isError: true });
        }
      }
    }
  } catch (e) {
    const err = e instanceof RelayError ? e : undefined;
    const detail = `the Run failed after ${answerChars} characters: ${errorText(e)}`;
    const next =
      err?.kind === "upstream_auth"
        ? "log in again with `cursor-relay login`"
        : err?.kind === "rate_limited"
          ? "this account is out of quota or rate limited; wait, or use another account"
          : `try again in a few minutes; if it keeps failing, ${BUG_REPORT}`;
    return { outcome: fail(detail, next), tokens };
  } finally {
    timer.cancel();
    run.close();
  }
  const seen = `answer ${answerChars} chars, echo tool ${echoed === 0 ? "not called" : "round trip ok"}, checkpoint ${checkpoint ? "yes" : "no"}, ${tokens} tokens (not counted in usage)`;
  const reportNext = `${BUG_REPORT}: Cursor's protocol may have changed`;
  if (timedOut) return { outcome: fail(`the turn did not end within ${options.timeoutMs / 1000} s (${seen})`, reportNext), tokens };
  if (!turnEnded) return { outcome: fail(`the stream ended without turn_ended (${seen})`, reportNext), tokens };
  if (answerChars === 0) return { outcome: fail(`no answer text (${seen})`, reportNext), tokens };
  if (echoed === 0) return { outcome: fail(`the model did not call the ${ECHO_TOOL_NAME} tool (${seen})`, "try again; a model may skip the tool now and then. Repeated: attach a bundle to a bug report"), tokens };
  if (!checkpoint) return { outcome: fail(`no checkpoint arrived (${seen})`, reportNext), tokens };
  return { outcome: pass(seen + (otherCalls > 0 ? `, ${otherCalls} other tool call(s) refused` : "")), tokens };
}
