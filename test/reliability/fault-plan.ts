// Per-account fake Cursor scripts for the load test, drawn from a seed: mostly ordinary
// text and tool-call turns, with every failure of docs/protocol.md §11 mixed in. Turn i of an
// account is its (i+1)-th Run (the fake's rule), so which failure a Run met is known from
// the fake's records (accountKey + turnIndex) and the plan.
//
// Every text and tool id carries the turn's tag (`k<account>.<turn>`), so a client
// response names the Run that produced it. Every token delta is followed by a KV round
// trip, so the fake can tell which tokens the relay provably read even when a GOAWAY on
// another stream tears the connection down (RunRecord.tokensConfirmed).
import type { Scenario, Step, Turn } from "../fake-cursor/index.ts";
import type { Random } from "./seeded-random.ts";

export const FAULT_KINDS = [
  "resource_exhausted",
  "unauthenticated",
  "internal",
  "rst_stream",
  "goaway",
  "heartbeats_only",
  "silence",
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];
export type TurnKind = "text" | "tool" | FaultKind;

export interface PlannedTurn {
  kind: TurnKind;
  tag: string;
  /** For faults: whether text (and tokens) went out before the failure. */
  afterText: boolean;
  turn: Turn;
}

export interface FaultPlan {
  scenario: Scenario;
  /** Scenario account key ("@1", …) → its turns in order (the last one repeats). */
  turns: Map<string, PlannedTurn[]>;
  /** The planned turn a Run played (the fake's accountKey and turnIndex). */
  turnOf(accountKey: string | null, turnIndex: number): PlannedTurn | undefined;
}

export interface FaultPlanOptions {
  accounts: number;
  turnsPerAccount: number;
  /** Runs an account is expected to play: GOAWAY and unauthenticated are placed before this. */
  expectedRunsPerAccount: number;
  /** GOAWAY takes down every stream of the connection: a few per account, not more. */
  goawaysPerAccount: number;
  /** unauthenticated turns per account, kept far apart (two in a row for one request would rightly expire the account). */
  unauthenticatedPerAccount: number;
  /** Heartbeat period of `silence: {heartbeatMs}` and while the fake waits for the client. */
  heartbeatMs: number;
}

export const TOOL_NAME = "lookup";
export const TOOL_REPLY_PREFIX = "Tool said: ";
export const answerText = (tag: string) => `Answer ${tag}.`;
export const TAG_PATTERN = /k(\d+)\.(\d+)/;

/** Weights of the turns drawn at random (GOAWAY and unauthenticated are placed apart). */
const WEIGHTS = {
  text: 46,
  tool: 22,
  resource_exhausted: 8,
  internal: 5,
  rst_stream: 5,
  heartbeats_only: 4,
  silence: 4,
} as const;

export function buildFaultPlan(random: Random, options: FaultPlanOptions): FaultPlan {
  const turns = new Map<string, PlannedTurn[]>();
  for (let a = 1; a <= options.accounts; a++) {
    const kinds: TurnKind[] = [];
    for (let i = 0; i < options.turnsPerAccount; i++) kinds.push(random.weighted(WEIGHTS));
    // Placed faults: after the first wave of Runs, and far apart from each other.
    const free = (i: number) => kinds[i] !== "goaway" && kinds[i] !== "unauthenticated";
    const place = (kind: FaultKind, count: number, minGap: number) => {
      const hi = Math.max(0, Math.min(options.turnsPerAccount - 2, options.expectedRunsPerAccount - 1));
      const lo = Math.min(hi, 30);
      for (let n = 0, tries = 0; n < count && tries < 1000; tries++) {
        const i = random.int(lo, hi);
        if (!free(i)) continue;
        if (kind === "unauthenticated" && kinds.some((k, j) => k === "unauthenticated" && Math.abs(j - i) < minGap)) continue;
        kinds[i] = kind;
        n++;
      }
    };
    place("goaway", options.goawaysPerAccount, 0);
    place("unauthenticated", options.unauthenticatedPerAccount, Math.max(60, Math.floor(options.expectedRunsPerAccount / 3)));
    // The repeating last turn is an ordinary answer, whatever the draw.
    kinds[kinds.length - 1] = "text";
    turns.set(
      `@${a}`,
      kinds.map((kind, i) => plannedTurn(random, kind, `k${a}.${i}`, options.heartbeatMs)),
    );
  }
  const scenario: Scenario = {
    name: "reliability-load",
    accounts: Object.fromEntries([...turns].map(([key, list]) => [key, list.map((p) => p.turn)])),
    serverHeartbeatMs: options.heartbeatMs,
  };
  return {
    scenario,
    turns,
    turnOf(accountKey, turnIndex) {
      const list = accountKey === null ? undefined : turns.get(accountKey);
      return list?.[Math.min(turnIndex, list.length - 1)];
    },
  };
}

function plannedTurn(random: Random, kind: TurnKind, tag: string, heartbeatMs: number): PlannedTurn {
  let ack = 0;
  // Tokens, then a KV round trip that proves the relay read them.
  const tokens = (): Step[] => [{ tokens: random.int(1, 9) }, { kvSet: `ack ${tag} #${++ack}` }];
  const partial = (): Step[] => [{ text: `Partial ${tag} ` }, ...tokens()];
  const finish: Step[] = [{ checkpoint: true }, { turnEnded: true }];
  const afterText = kind !== "text" && kind !== "tool" && kind !== "goaway" && kind !== "unauthenticated" && random.chance(0.5);
  let steps: Step[];
  switch (kind) {
    case "text": {
      const thinking: Step[] = random.chance(0.3) ? [{ thinking: `Thinking about ${tag}.` }, { thinkingDone: 5 }] : [];
      // The answer in one to three deltas, tokens after each.
      const parts = random.int(1, 3);
      const text = answerText(tag);
      const cut = [0, ...Array.from({ length: parts - 1 }, () => random.int(1, text.length - 1)).sort((x, y) => x - y), text.length];
      const body: Step[] = [];
      for (let i = 0; i < parts; i++) {
        const piece = text.slice(cut[i], cut[i + 1]);
        if (piece !== "") body.push({ text: piece }, ...tokens());
      }
      steps = [...thinking, ...body, ...finish];
      break;
    }
    case "tool": {
      const lead: Step[] = random.chance(0.5) ? [{ text: `Looking up ${tag}. ` }, ...tokens()] : [];
      steps = [
        ...lead,
        { toolCall: { name: TOOL_NAME, args: { q: tag }, id: `call_${tag}` } },
        { replyWithToolResult: TOOL_REPLY_PREFIX },
        ...tokens(),
        ...finish,
      ];
      break;
    }
    case "resource_exhausted":
    case "internal":
      steps = [...(afterText ? partial() : []), { fail: kind }];
      break;
    case "unauthenticated":
      steps = [{ fail: "unauthenticated" }];
      break;
    case "rst_stream":
      steps = [...(afterText ? partial() : []), { rstStream: true }];
      break;
    case "goaway":
      // Mid-stream, after text the relay provably read.
      steps = [...partial(), { goaway: true }];
      break;
    case "heartbeats_only":
      steps = [...(afterText ? partial() : []), { silence: { heartbeatMs } }];
      break;
    case "silence":
      steps = [...(afterText ? partial() : []), { silence: true }];
      break;
  }
  return { kind, tag, afterText: kind === "goaway" || afterText, turn: steps };
}
