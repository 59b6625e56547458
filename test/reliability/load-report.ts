// Figures of a load run, from what the clients saw and what the fake recorded: requests
// served, errors by status, faults injected by kind, streams taken down by GOAWAYs, the
// token accounting per account.
import type { RunRecord } from "../fake-cursor/index.ts";
import type { ConversationResult } from "./conversation.ts";
import type { FaultPlan } from "./fault-plan.ts";

export interface TokenAccount {
  accountKey: string;
  sub: string;
  runs: number;
  /** Σ tokensSent of its Runs: the relay may not count more. */
  sent: number;
  /**
   * What reached the relay for certain: every token of a Run that ended in order (the
   * fake ended it, after acknowledged tokens), and the acknowledged part of a Run cut
   * abruptly (a GOAWAY took its connection, or the relay closed it, e.g. on a stall).
   */
  delivered: number;
  /** Written just before a GOAWAY took the connection down: may or may not have arrived. */
  inFlightAtGoaway: number;
  /** Written just before the relay closed the stream (a stall, a client gone): may or may not have been read. */
  inFlightAtRelayClose: number;
  /** Tokens of Runs that ended in order but were never acknowledged (the plan makes this 0). */
  unacknowledged: number;
  /** Those Runs, described (for the failure message). */
  unacknowledgedRuns: string[];
}

export interface LoadFigures {
  conversations: number;
  completed: number;
  requests: number;
  answers: number;
  errorsByStatus: Record<string, number>;
  errorEvents: number;
  maxRequestMs: number;
  runs: number;
  faultsByKind: Record<string, number>;
  streamsLostWithConnection: number;
  bigRequestsOverTinyWindow: number;
  conversationsOnSeveralAccounts: number;
  conversationsThatSawAFailure: number;
  planExhausted: boolean;
  tokens: TokenAccount[];
}

const bump = (m: Record<string, number>, k: string) => (m[k] = (m[k] ?? 0) + 1);

/** The fault a Run met, by kind and before/after text, or null for an ordinary Run. */
export function faultOf(run: RunRecord, plan: FaultPlan): string | null {
  if (run.injected === null) return null;
  const planned = plan.turnOf(run.accountKey, run.turnIndex);
  const where = planned && planned.kind !== "unauthenticated" ? (planned.afterText ? " after text" : " before text") : "";
  return `${run.injected}${where}`;
}

/** Which conversation a Run served: every Run's user text names it (question, or flattened history). */
export function conversationOfRun(run: RunRecord): string | null {
  return /Question \d+ of (conv-\d+)\./.exec(run.userText)?.[1] ?? null;
}

export function loadFigures(results: ConversationResult[], runs: RunRecord[], plan: FaultPlan, bigBytes: number): LoadFigures {
  const errorsByStatus: Record<string, number> = {};
  let errorEvents = 0;
  let answers = 0;
  let maxRequestMs = 0;
  for (const r of results) {
    for (const { outcome } of r.requests) {
      maxRequestMs = Math.max(maxRequestMs, outcome.ms);
      if (outcome.ok) answers++;
      else if (outcome.via === "event") errorEvents++;
      else bump(errorsByStatus, String(outcome.status));
    }
  }
  const faultsByKind: Record<string, number> = {};
  const accountsByConversation = new Map<string, Set<string>>();
  const failedConversations = new Set<string>();
  const tokens = new Map<string, TokenAccount>();
  let planExhausted = false;
  for (const run of runs) {
    const fault = faultOf(run, plan);
    if (fault) bump(faultsByKind, fault);
    const conv = conversationOfRun(run);
    if (conv && run.sub) {
      const set = accountsByConversation.get(conv) ?? new Set();
      set.add(run.sub);
      accountsByConversation.set(conv, set);
      if (run.outcome !== "completed") failedConversations.add(conv);
    }
    const key = run.accountKey ?? "?";
    const list = plan.turns.get(key);
    if (list && run.turnIndex >= list.length) planExhausted = true;
    const acct = tokens.get(key) ?? {
      accountKey: key,
      sub: run.sub ?? "?",
      runs: 0,
      sent: 0,
      delivered: 0,
      inFlightAtGoaway: 0,
      inFlightAtRelayClose: 0,
      unacknowledged: 0,
      unacknowledgedRuns: [],
    };
    acct.runs++;
    acct.sent += run.tokensSent;
    const unacked = run.tokensSent - run.tokensConfirmed;
    if (run.connectionLost) {
      acct.delivered += run.tokensConfirmed;
      acct.inFlightAtGoaway += unacked;
    } else if (run.outcome === "client_closed") {
      acct.delivered += run.tokensConfirmed;
      acct.inFlightAtRelayClose += unacked;
    } else {
      acct.delivered += run.tokensSent;
      acct.unacknowledged += run.tokensSent - run.tokensConfirmed;
      if (run.tokensSent > run.tokensConfirmed) {
        acct.unacknowledgedRuns.push(`${key}.${run.turnIndex} (${plan.turnOf(run.accountKey, run.turnIndex)?.kind}, ${run.outcome}, injected ${run.injected})`);
      }
    }
    tokens.set(key, acct);
  }
  for (const r of results) if (r.requests.some((q) => !q.outcome.ok)) failedConversations.add(r.spec.id);
  return {
    conversations: results.length,
    completed: results.filter((r) => r.completed).length,
    requests: results.reduce((n, r) => n + r.requests.length, 0),
    answers,
    errorsByStatus,
    errorEvents,
    maxRequestMs: Math.round(maxRequestMs),
    runs: runs.length,
    faultsByKind,
    streamsLostWithConnection: runs.filter((r) => r.connectionLost).length,
    bigRequestsOverTinyWindow: runs.filter((r) => r.userText.length > bigBytes).length,
    conversationsOnSeveralAccounts: [...accountsByConversation.values()].filter((s) => s.size > 1).length,
    conversationsThatSawAFailure: failedConversations.size,
    planExhausted,
    tokens: [...tokens.values()].sort((a, b) => a.accountKey.localeCompare(b.accountKey)),
  };
}

export function formatFigures(f: LoadFigures, extra: Record<string, string | number>): string {
  const kv = (o: Record<string, number>) =>
    Object.entries(o)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `${k}=${v}`)
      .join(", ") || "none";
  return [
    ...Object.entries(extra).map(([k, v]) => `${k}: ${v}`),
    `conversations: ${f.completed}/${f.conversations} completed; ${f.conversationsThatSawAFailure} met a failure, ${f.conversationsOnSeveralAccounts} were served by more than one account`,
    `client requests: ${f.requests} (${f.answers} complete answers, ${f.errorEvents} error events, error statuses: ${kv(f.errorsByStatus)}); slowest ${f.maxRequestMs} ms`,
    `upstream Runs: ${f.runs}; faults injected: ${kv(f.faultsByKind)}`,
    `streams taken down with a GOAWAY'd connection: ${f.streamsLostWithConnection}; requests over 200 KB through a 16 KB window: ${f.bigRequestsOverTinyWindow}`,
    `output tokens per account (fake sent; of which in flight when a GOAWAY + the relay cut the stream): ${f.tokens
      .map((t) => `${t.accountKey} ${t.sent} (${t.inFlightAtGoaway} + ${t.inFlightAtRelayClose}) in ${t.runs} Runs`)
      .join("; ")}`,
  ].join("\n");
}

/** What the fake saw of the first conversations in trouble, and the accounts' state: for a failing run. */
export function describeTrouble(
  results: ConversationResult[],
  runs: RunRecord[],
  plan: FaultPlan,
  accounts: { id: string; authExpired: boolean; authExpiredReason: string | null }[],
): string {
  const lines = accounts.map((a) => `account ${a.id}: authExpired=${a.authExpired} (${a.authExpiredReason})`);
  for (const r of results.filter((x) => x.problems.length > 0).slice(0, 4)) {
    lines.push(r.problems.join("; "), `  requests: ${r.requests.map((q) => (q.outcome.ok ? "ok" : `${q.outcome.status}/${q.outcome.via}`)).join(" ")}`);
    for (const run of runs.filter((x) => conversationOfRun(x) === r.spec.id)) {
      const planned = plan.turnOf(run.accountKey, run.turnIndex);
      lines.push(`  Run ${run.accountKey}.${run.turnIndex} (${planned?.kind}): outcome ${run.outcome}, injected ${run.injected}, connection lost ${run.connectionLost}`);
    }
  }
  return lines.join("\n");
}
