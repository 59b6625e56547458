// A turn on a new Run, moved from account to account until one serves it. Each attempt
// takes an account from the pool (the conversation's checkpoint owner first), replays the
// checkpoint when it belongs to that account and flattens the history otherwise. A
// failure before the client saw content moves the turn to the next account, unseen by
// the client (a 401 first gets one retry on the same account with a fresh token); after
// content the response ends with an error event. A failure the request caused goes to
// the client as it is and cools no account.
import { randomUUID } from "node:crypto";
import type { AccountLease, AccountPool } from "../base/account-pool.ts";
import { RelayError, toRelayError } from "../base/errors.ts";
import type { Logger } from "../base/log.ts";
import type { CursorClient } from "../cursor/types.ts";
import { CheckpointBlobs } from "./checkpoint-blobs.ts";
import type { CheckpointStore } from "./checkpoint-store.ts";
import { relayStopping, type LiveSession, type LiveSessions } from "./live-session.ts";
import type { TurnPump } from "./turn-pump.ts";
import type { TurnInput } from "./turn-input.ts";
import type { TurnSink } from "./turn-sink.ts";

export interface FailoverDeps {
  cursor: CursorClient;
  pool: AccountPool;
  checkpoints: CheckpointStore;
  live: LiveSessions;
  pump: TurnPump;
  logger: Logger;
  /** Upper bound on Runs started for one turn (account switches + 401 retries). */
  maxAttempts: number;
  isStopping(): boolean;
}

/** Where a turn on a fresh Run goes, and what the abort watch must follow. */
export interface FreshTurn {
  input: TurnInput;
  sink: TurnSink;
  /** Called with each session the turn opens (a client that goes away closes it). */
  watch(s: LiveSession): void;
  signal: AbortSignal | undefined;
  /** Serve the turn beside a busy conversation, on a Cursor conversation of its own. */
  detached: boolean;
}

/** The accounts a turn has been through. */
interface Attempts {
  tried: Set<string>;
  /** Accounts already given a fresh token for this turn (one retry each). */
  refreshed: Set<string>;
  lastError: RelayError | undefined;
}

export type RunFreshTurn = (turn: FreshTurn) => Promise<void>;

export function createFailover(deps: FailoverDeps): RunFreshTurn {
  const { pool, checkpoints, live } = deps;
  return async function freshTurn(turn) {
    const { input, sink, signal, detached } = turn;
    const attempts: Attempts = { tried: new Set(), refreshed: new Set(), lastError: undefined };
    const conversationId = detached ? randomUUID() : input.conversationId;
    const key = detached ? `${input.conversationId}#${conversationId}` : input.conversationId;
    for (let attempt = 0; attempt < deps.maxAttempts; attempt++) {
      if (signal?.aborted) return;
      if (deps.isStopping()) throw relayStopping();
      let lease;
      try {
        lease = await pool.acquire({ exclude: attempts.tried, prefer: detached ? undefined : checkpoints.ownerOf(conversationId), model: input.clientModel });
      } catch (e) {
        throw attempts.lastError ? await exhausted(pool, attempts.lastError, toRelayError(e)) : e;
      }
      const modelId = await deps.cursor.resolveModelId(input.clientModel, lease.accessToken, lease.accountId);
      // The client may have gone while we waited for an account, a token or the model list.
      if (signal?.aborted) return;
      const s = startRun(deps, turn, lease, modelId, conversationId, key);
      turn.watch(s);
      live.changed();
      try {
        await deps.pump(s, input, sink);
        return;
      } catch (e) {
        if ((await afterFailure(deps, turn, s, toRelayError(e), attempts)) === "done") return;
      }
    }
    throw attempts.lastError ?? new RelayError({ kind: "upstream_error", status: 502, message: "no account could serve this turn" });
  };
}

/** Starts the Run of one attempt on the leased account and opens its session. */
function startRun(deps: FailoverDeps, turn: FreshTurn, lease: AccountLease, modelId: string, conversationId: string, key: string): LiveSession {
  const { checkpoints } = deps;
  const { input, detached } = turn;
  const { accountId, accessToken } = lease;
  const answeringTools = input.toolResults.length > 0;
  // The checkpoint of another account is dropped by get(); with tool results to
  // deliver and no parked stream, the history is flattened instead (docs/protocol.md §10 gap 6).
  const checkpoint = detached || answeringTools ? undefined : checkpoints.get(conversationId, accountId);
  if (answeringTools && !detached) checkpoints.delete(conversationId);
  const replay = checkpoint !== undefined && input.newestUserText !== null;
  const userText = replay
    ? input.newestUserText!
    : input.hasHistory || input.newestUserText === null
      ? input.flatten()
      : input.newestUserText;
  // The run serves KV reads from this map and adds the blobs Cursor sets; a checkpoint keeps it.
  const blobs = replay ? CheckpointBlobs.of(checkpoint.blobs) : new CheckpointBlobs();
  const run = deps.cursor.run({
    accessToken,
    conversationId,
    modelId,
    userText,
    systemPrompt: input.systemPrompt,
    ...(replay ? { checkpoint: checkpoint.bytes } : {}),
    blobs,
    tools: input.tools,
    images: input.images,
  });
  return deps.live.open({ key, conversationId, detached, accountId, model: input.clientModel, cursorModel: modelId, run, blobs });
}

/** After a failed attempt: "done" when the turn is over for the client, "retry" to try again. Throws what the client gets. */
async function afterFailure(deps: FailoverDeps, turn: FreshTurn, s: LiveSession, err: RelayError, attempts: Attempts): Promise<"done" | "retry"> {
  const { sink, signal } = turn;
  const { accountId } = s;
  deps.live.dispose(s);
  if (signal?.aborted) return "done";
  if (err === s.closedWith) {
    // Not the account's fault, nothing to report: before content another account takes the turn.
    if (sink.contentStarted) {
      sink.fail(err);
      return "done";
    }
    attempts.lastError = err;
    attempts.tried.add(accountId);
    return "retry";
  }
  // Not about the account (the request's own error, e.g. too large for Cursor): the
  // client gets it as it is, no account cools down and no other account is tried.
  if (!err.isUpstream) throw err;
  deps.logger.warn("upstream failure", { account: accountId, status: err.status, code: err.upstreamCode, message: err.message });
  const decision = await deps.pool.failed(accountId, err, attempts.refreshed.has(accountId));
  if (sink.contentStarted) {
    sink.fail(err);
    return "done";
  }
  attempts.lastError = err;
  if (decision === "retry_same" && !attempts.refreshed.has(accountId)) attempts.refreshed.add(accountId);
  else attempts.tried.add(accountId);
  return "retry";
}

/**
 * Every account this turn could use has failed. When none can take a request now, the
 * client gets the pool's answer, which names each account's reason (Cursor's words
 * included) and the soonest recovery; otherwise the last upstream error.
 */
function exhausted(pool: AccountPool, last: RelayError, acquireError: RelayError): RelayError {
  if (acquireError.kind !== "no_accounts") return acquireError;
  // Asked without side effects: no pick is counted and no token refreshed.
  const now = pool.unavailable();
  if (now && (now.kind === "rate_limited" || now.kind === "no_accounts")) return now;
  return last;
}
