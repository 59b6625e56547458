// One load-test conversation, driven the way an agent client drives it: ask, answer every
// tool call with a result, ask the next question; after an error (status or error event)
// send the same request again, as Claude Code does. Every response is checked for the
// format (chat-client.ts) and for content: it must come from one Run of the fake's script
// (an answer or tool call carrying its tag) and a tool result must come back on the
// stream that asked for it (`Tool said: <this conversation's result>`).
import { Agent } from "node:http";
import { sendChat, type Api, type Outcome, type ToolUse } from "./chat-client.ts";
import { answerText, TOOL_NAME, TOOL_REPLY_PREFIX } from "./fault-plan.ts";

export interface ConversationSpec {
  id: string;
  api: Api;
  stream: boolean;
  userTurns: number;
  /** A first question over 200 KB: the request crosses the fake's tiny HTTP/2 window. */
  bigFirstMessage: boolean;
}

export interface ConversationContext {
  url: string;
  key: string;
  deadlineMs: number;
  /** Requests one conversation may send before it counts as stuck. */
  maxRequests: number;
  /** Upper bound on a retry-after wait. */
  maxRetryWaitMs: number;
}

export interface RequestRecord {
  kind: "question" | "tool_result";
  outcome: Outcome;
}

export interface ConversationResult {
  spec: ConversationSpec;
  completed: boolean;
  requests: RequestRecord[];
  /** Script tags of the Runs that produced this conversation's successful responses. */
  tags: string[];
  /** What went wrong (content or protocol), empty when nothing did. */
  problems: string[];
}

type HistoryEntry =
  | { role: "user"; text: string }
  | { role: "assistant"; text: string; toolUses: ToolUse[] }
  | { role: "tool"; id: string; content: string };

export const BIG_MESSAGE_BYTES = 210 * 1024;
const TAG = "k\\d+\\.\\d+";
const ANSWER = new RegExp(`^Answer (${TAG})\\.$`);
const LEAD = new RegExp(`^(?:Looking up (${TAG})\\. )?$`);

export const questionText = (spec: ConversationSpec, n: number) => `Question ${n} of ${spec.id}.`;
export const toolResultText = (spec: ConversationSpec, n: number) => `result:${spec.id}:${n}`;

const TOOLS_ANTHROPIC = [
  { name: TOOL_NAME, description: "Looks a key up", input_schema: { type: "object", properties: { q: { type: "string" } }, required: ["q"] } },
];
const TOOLS_OPENAI = [
  { type: "function", function: { name: TOOL_NAME, description: "Looks a key up", parameters: { type: "object", properties: { q: { type: "string" } }, required: ["q"] } } },
];

function anthropicBody(spec: ConversationSpec, history: HistoryEntry[]): Record<string, unknown> {
  const messages: Record<string, unknown>[] = [];
  for (const e of history) {
    if (e.role === "user") messages.push({ role: "user", content: e.text });
    else if (e.role === "assistant") {
      const content: Record<string, unknown>[] = [];
      if (e.text !== "") content.push({ type: "text", text: e.text });
      for (const u of e.toolUses) content.push({ type: "tool_use", id: u.id, name: u.name, input: u.input });
      messages.push({ role: "assistant", content });
    } else {
      const last = messages[messages.length - 1];
      const block = { type: "tool_result", tool_use_id: e.id, content: e.content };
      if (last?.role === "user" && Array.isArray(last.content)) (last.content as unknown[]).push(block);
      else messages.push({ role: "user", content: [block] });
    }
  }
  return {
    model: "claude-opus-4-8",
    max_tokens: 4096,
    system: `You are the assistant of load conversation ${spec.id}.`,
    metadata: { user_id: JSON.stringify({ device_id: "reliability", account_uuid: "", session_id: spec.id }) },
    tools: TOOLS_ANTHROPIC,
    messages,
  };
}

function openAiBody(spec: ConversationSpec, history: HistoryEntry[]): Record<string, unknown> {
  const messages: Record<string, unknown>[] = [{ role: "system", content: `You are the assistant of load conversation ${spec.id}.` }];
  for (const e of history) {
    if (e.role === "user") messages.push({ role: "user", content: e.text });
    else if (e.role === "assistant") {
      messages.push({
        role: "assistant",
        content: e.text === "" ? null : e.text,
        ...(e.toolUses.length > 0
          ? { tool_calls: e.toolUses.map((u) => ({ id: u.id, type: "function", function: { name: u.name, arguments: JSON.stringify(u.input) } })) }
          : {}),
      });
    } else messages.push({ role: "tool", tool_call_id: e.id, content: e.content });
  }
  return { model: "gpt-5", tools: TOOLS_OPENAI, messages, ...(spec.stream ? { stream_options: { include_usage: true } } : {}) };
}

const decodeToolId = (id: string) => (id.startsWith("cursor_call_") ? Buffer.from(id.slice("cursor_call_".length), "base64url").toString("utf8") : id);

export async function runConversation(spec: ConversationSpec, ctx: ConversationContext): Promise<ConversationResult> {
  // One keep-alive connection per conversation, as an agent client keeps one.
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    return await converse(spec, ctx, agent);
  } finally {
    agent.destroy();
  }
}

async function converse(spec: ConversationSpec, ctx: ConversationContext, agent: Agent): Promise<ConversationResult> {
  const result: ConversationResult = { spec, completed: false, requests: [], tags: [], problems: [] };
  const history: HistoryEntry[] = [];
  let toolResults = 0;
  let lastToolResult: string | null = null;
  const problem = (what: string, outcome?: Outcome) => result.problems.push(`${spec.id}: ${what}${outcome ? ` (${JSON.stringify(outcome).slice(0, 300)})` : ""}`);

  for (let q = 1; q <= spec.userTurns; q++) {
    const padding = q === 1 && spec.bigFirstMessage ? ` ${"x".repeat(BIG_MESSAGE_BYTES)}` : "";
    history.push({ role: "user", text: questionText(spec, q) + padding });
    let answered = false;
    let kind: RequestRecord["kind"] = "question";
    while (!answered) {
      if (result.requests.length >= ctx.maxRequests) {
        problem(`no answer after ${ctx.maxRequests} requests`);
        return result;
      }
      const body = spec.api === "anthropic" ? anthropicBody(spec, history) : openAiBody(spec, history);
      let outcome: Outcome;
      try {
        outcome = await sendChat({ url: ctx.url, key: ctx.key, api: spec.api, stream: spec.stream, body, deadlineMs: ctx.deadlineMs, agent });
      } catch (e) {
        const where = `${spec.api} ${spec.stream ? "streaming" : "non-streaming"} ${kind} request #${result.requests.length + 1} (question ${q})`;
        problem(`${where}: ${e instanceof Error ? `${e.constructor.name}: ${e.message}` : String(e)}`);
        return result;
      }
      result.requests.push({ kind, outcome });
      if (!outcome.ok) {
        // Retry the same request, honouring the retry hint like the SDKs do (capped: cooldowns here are short).
        await new Promise((r) => setTimeout(r, outcome.retryAfterMs !== null ? Math.min(outcome.retryAfterMs, ctx.maxRetryWaitMs) : 20));
        continue;
      }
      if (outcome.toolUses.length > 0) {
        const stopOk = outcome.stop === (spec.api === "anthropic" ? "tool_use" : "tool_calls");
        if (!stopOk) problem(`tool calls with stop ${outcome.stop}`, outcome);
        const lead = LEAD.exec(outcome.text);
        if (!lead) problem("unexpected text before a tool call", outcome);
        history.push({ role: "assistant", text: outcome.text, toolUses: outcome.toolUses });
        for (const use of outcome.toolUses) {
          const tag = typeof use.input.q === "string" ? use.input.q : "";
          if (use.name !== TOOL_NAME || decodeToolId(use.id) !== `call_${tag}` || (lead?.[1] !== undefined && lead[1] !== tag)) {
            problem("a tool call that is not the script's", outcome);
          }
          result.tags.push(tag);
          lastToolResult = toolResultText(spec, ++toolResults);
          history.push({ role: "tool", id: use.id, content: lastToolResult });
        }
        kind = "tool_result";
        continue;
      }
      const stopOk = outcome.stop === (spec.api === "anthropic" ? "end_turn" : "stop");
      if (!stopOk) problem(`an answer with stop ${outcome.stop}`, outcome);
      const answer = ANSWER.exec(outcome.text);
      if (answer) result.tags.push(answer[1]!);
      else if (outcome.text.startsWith(TOOL_REPLY_PREFIX)) {
        // The result went back on the stream that asked for it: it must be ours, the newest.
        if (kind !== "tool_result" || outcome.text !== TOOL_REPLY_PREFIX + lastToolResult) problem("a tool reply with someone else's result", outcome);
      } else problem("an answer that no script turn produced", outcome);
      if (answer && answerText(answer[1]!) !== outcome.text) problem("a mangled answer", outcome);
      history.push({ role: "assistant", text: outcome.text, toolUses: [] });
      answered = true;
    }
  }
  result.completed = true;
  return result;
}
