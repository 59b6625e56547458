// The request side of one Run: a queue of client frames that stays open for the whole turn
// (first frame, heartbeats, every reply), read by Connect, which half-closes the HTTP/2
// stream once it has taken the end of the queue.
import type { AgentClientFrame } from "../../proto/gen/agent/v1/agent_service_pb.ts";
import type { Clock, TimerHandle } from "../base/clock.ts";
import { AsyncQueue } from "./async-queue.ts";
import { heartbeatFrame } from "./request-builder.ts";

export interface RequestSide {
  /** The frames as Connect reads them. */
  readonly frames: AsyncIterable<AgentClientFrame>;
  /**
   * Resolves once Connect has taken the end of the frames (it then half-closes the HTTP/2
   * stream), or the call was aborted.
   */
  readonly ended: Promise<void>;
  send(frame: AgentClientFrame): void;
  /** A client heartbeat every `heartbeatMs` until end(). */
  startHeartbeats(clock: Clock, heartbeatMs: number): void;
  /** No more frames: stops the heartbeats, and Connect ends the request side after what is queued. */
  end(): void;
}

export function createRequestSide(abort: AbortSignal): RequestSide {
  const queue = new AsyncQueue<AgentClientFrame>();
  let heartbeat: TimerHandle | undefined;
  let ended!: () => void;
  const endedPromise = new Promise<void>((resolve) => (ended = resolve));
  abort.addEventListener("abort", () => ended(), { once: true });
  const frames = (async function* () {
    try {
      yield* queue;
    } finally {
      ended();
    }
  })();
  return {
    frames,
    ended: endedPromise,
    send: (frame) => void queue.push(frame),
    startHeartbeats(clock, heartbeatMs) {
      heartbeat = clock.setInterval(() => queue.push(heartbeatFrame()), heartbeatMs);
    },
    end() {
      heartbeat?.cancel();
      queue.end();
    },
  };
}
