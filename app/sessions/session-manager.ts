// The sessions' front: a parsed client request becomes a planned turn (turn-plan.ts),
// and a turn either resumes the conversation's stream parked on the tool calls it
// answers (parked-streams.ts) or starts a new Run, moved from account to account until
// one serves it (failover.ts). The open streams live in live-session.ts, their events
// reach the client through turn-pump.ts, and session-list.ts lists them for the dashboard.
import type { AccountPool } from "../base/account-pool.ts";
import type { Clock } from "../base/clock.ts";
import type { LiveSessionView } from "../base/control-api.ts";
import type { Logger } from "../base/log.ts";
import type { CursorClient } from "../cursor/types.ts";
import type { ChatRequest } from "./chat-request.ts";
import type { CheckpointStore } from "./checkpoint-store.ts";
import { createFailover } from "./failover.ts";
import { accountClosed, createLiveSessions, relayStopping, type LiveSession } from "./live-session.ts";
import { createParkedStreams } from "./parked-streams.ts";
import { createSessionList } from "./session-list.ts";
import { createThreadIds, type ThreadIds } from "./threads.ts";
import { planTurn, type TurnPlanOptions } from "./turn-plan.ts";
import { createTurnPump } from "./turn-pump.ts";
import type { TurnInput } from "./turn-input.ts";
import type { TurnSink } from "./turn-sink.ts";

export interface SessionManagerOptions {
  cursor: CursorClient;
  pool: AccountPool;
  checkpoints: CheckpointStore;
  clock: Clock;
  logger: Logger;
  /** Which thread of a conversation a request belongs to (default: kept in memory only). */
  threads?: ThreadIds;
  /** How long to wait for further parallel tool calls before handing the calls to the client. */
  toolGatherMs?: number;
  /** How long a stream stays parked on a tool call nobody answers (counted from the hand-out). */
  parkTimeoutMs?: number;
  /** Silence after which the client gets a keep-alive ping. */
  pingIntervalMs?: number;
  /** How long a finished session stays listed. */
  idleListMs?: number;
  /** Upper bound on Runs started for one turn (account switches + 401 retries). */
  maxAttempts?: number;
}

export interface SessionManager {
  /**
   * The turn a parsed client request asks for: its conversation (salted with the client
   * key), thread and Cursor turn input. No side effect but the thread table.
   */
  planTurn(request: ChatRequest, clientKey: string, options: TurnPlanOptions): TurnInput;
  /**
   * Runs one client turn into the sink. Resolves when the client response is complete
   * (ended, parked on tool calls, or failed after content). Rejects with a RelayError
   * when the turn failed before the client saw any content (the caller renders it).
   */
  runTurn(input: TurnInput, sink: TurnSink, signal?: AbortSignal): Promise<void>;
  /** Live and recently finished sessions per account, for the control API. */
  views(): Map<string, LiveSessionView[]>;
  onChange(listener: () => void): () => void;
  /** Closes every session that runs on this account (removed, disabled). */
  closeAccount(accountId: string): void;
  /** Open upstream streams (streaming or parked). */
  readonly liveCount: number;
  /** Finished sessions still kept for listing (bounded by idleListMs), for diagnostics. */
  readonly idleListed: number;
  close(): void;
}

export function createSessionManager(options: SessionManagerOptions): SessionManager {
  const { cursor, pool, checkpoints, clock, logger } = options;
  const list = createSessionList(clock, options.idleListMs ?? 5 * 60_000);
  const live = createLiveSessions({ clock, logger, list, parkTimeoutMs: options.parkTimeoutMs ?? 10 * 60_000 });
  const pump = createTurnPump({
    live,
    pool,
    checkpoints,
    clock,
    logger,
    toolGatherMs: options.toolGatherMs ?? 150,
    pingIntervalMs: options.pingIntervalMs ?? 10_000,
  });
  const resumeParked = createParkedStreams({ live, pool, pump, logger });
  let stopping = false;
  const freshTurn = createFailover({ cursor, pool, checkpoints, live, pump, logger, maxAttempts: options.maxAttempts ?? 8, isStopping: () => stopping });

  async function runTurn(input: TurnInput, sink: TurnSink, signal?: AbortSignal): Promise<void> {
    // A client that goes away mid-stream frees the upstream stream at once.
    const abort = watchAbort(signal, (s) => {
      if (s.state === "streaming") live.dispose(s);
    });
    try {
      if (signal?.aborted) return;
      if (await resumeParked(input, sink, abort.watch)) return;
      const current = live.get(input.conversationId);
      // A busy conversation serves this request beside it, on its own Cursor conversation,
      // without touching the busy one's state; else a new turn supersedes what it had open.
      const detached = current?.state === "streaming";
      if (current && !detached) live.dispose(current);
      await freshTurn({ input, sink, watch: abort.watch, signal, detached });
    } finally {
      abort.stop();
    }
  }

  const threads = options.threads ?? createThreadIds();
  return {
    planTurn: (request, clientKey, plan) => planTurn(request, clientKey, threads, plan),
    runTurn,
    views: () => list.views(live.all(), (key) => live.get(key) !== undefined),
    onChange: (listener) => live.onChange(listener),
    closeAccount(accountId) {
      for (const s of live.all()) if (s.accountId === accountId) live.dispose(s, accountClosed());
      checkpoints.deleteAccount(accountId);
    },
    get liveCount() {
      return live.size;
    },
    get idleListed() {
      return list.size;
    },
    close() {
      stopping = true;
      for (const s of live.all()) live.dispose(s, relayStopping());
      list.clear();
    },
  };
}

/** Follows the session a turn currently runs on, so the client's abort closes that one. */
function watchAbort(signal: AbortSignal | undefined, onAbort: (s: LiveSession) => void): { watch(s: LiveSession): void; stop(): void } {
  let listener: (() => void) | undefined;
  const stop = () => {
    if (listener) signal?.removeEventListener("abort", listener);
  };
  return {
    watch(s) {
      stop();
      listener = () => onAbort(s);
      signal?.addEventListener("abort", listener, { once: true });
    },
    stop,
  };
}
