// A turn that carries tool results first looks at the conversation's streams parked on
// tool calls (its own and those serving requests beside a busy one): the one whose calls
// it answers resumes on the same upstream stream; every other one is closed at once —
// the client moved on without their results, so nobody will answer them.
import type { AccountPool } from "../base/account-pool.ts";
import { toRelayError } from "../base/errors.ts";
import type { Logger } from "../base/log.ts";
import type { LiveSession, LiveSessions } from "./live-session.ts";
import type { TurnPump } from "./turn-pump.ts";
import type { TurnInput } from "./turn-input.ts";
import type { TurnSink } from "./turn-sink.ts";

export interface ParkedStreamsDeps {
  live: LiveSessions;
  pool: AccountPool;
  pump: TurnPump;
  logger: Logger;
}

/**
 * Serves the turn on the parked stream it answers, if any. True when the client's
 * response is complete (served, or failed after content); false when the turn still
 * needs a fresh Run. Throws a failure the request caused.
 */
export type ResumeParked = (input: TurnInput, sink: TurnSink, watch: (s: LiveSession) => void) => Promise<boolean>;

export function createParkedStreams(deps: ParkedStreamsDeps): ResumeParked {
  const { live, pool, logger } = deps;

  /** The parked stream this turn answers; every other parked stream of the conversation is closed. */
  function settleParked(input: TurnInput): LiveSession | undefined {
    const prefix = `${input.conversationId}#`;
    let answered: LiveSession | undefined;
    for (const s of live.all()) {
      if (s.state !== "waiting_tool_result" || (s.key !== input.conversationId && !s.key.startsWith(prefix))) continue;
      if (!answered && input.toolResults.some((r) => s.pendingCalls.has(r.toolCallId))) {
        answered = s;
        continue;
      }
      logger.info("closing a stream parked on tool calls the client moved on from", { conversation: s.conversationId });
      live.dispose(s);
    }
    return answered;
  }

  return async (input, sink, watch) => {
    const answered = settleParked(input);
    if (!answered) return false;
    if (!pool.canContinue(answered.accountId) || !live.resume(answered, input.toolResults)) {
      // A stream never resumes on an account that is no longer usable.
      live.dispose(answered);
      return false;
    }
    watch(answered);
    try {
      await deps.pump(answered, input, sink);
      return true;
    } catch (e) {
      const err = toRelayError(e);
      live.dispose(answered);
      // A failure the request caused (too large, refused as invalid) is the client's: no account pays for it.
      if (err !== answered.closedWith && !err.isUpstream) throw err;
      if (err !== answered.closedWith) await pool.failed(answered.accountId, err, true);
      if (sink.contentStarted) {
        sink.fail(err);
        return true;
      }
      logger.warn("a resumed stream failed before the continuation; rebuilding the turn", { status: err.status });
      return false;
    }
  };
}
