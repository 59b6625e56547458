// The part every streaming writer shares: output tokens counted, nothing more accepted
// after the end or a failure, the coalescing batch flushed and stopped before the last
// events, and a failure as a real HTTP error while nothing has gone out yet (so a client
// still sees the status and retry-after) or as the format's own error event once the
// stream started. The format-specific events come from the writer.
import type { RelayError } from "../base/errors.ts";
import type { SinkEvent, StopReason, TurnSink } from "../sessions/turn-sink.ts";
import type { ResponseChannel } from "./http/channel.ts";
import type { ContentEvent, JsonErrorFormat } from "./json-sink.ts";

export interface StreamWriter {
  readonly contentStarted: boolean;
  collect(event: ContentEvent): void;
  /** Sends what the coalescing batch holds (nothing without one). */
  flush(): void;
  /** Stops the coalescing batch for good. */
  closeBatch(): void;
  /** The closing events of a finished turn. */
  finish(reason: StopReason, outputTokens: number): void;
  /** The failure as an event inside a stream that already started. */
  failInStream(error: RelayError, outputTokens: number): void;
  /** A keep-alive in the format's own shape. */
  keepAlive(): void;
}

export function createStreamSink(channel: ResponseChannel, writer: StreamWriter, errors: JsonErrorFormat): TurnSink {
  let outputTokens = 0;
  let done = false;
  const stop = () => {
    writer.flush();
    writer.closeBatch();
    done = true;
  };
  return {
    get contentStarted() {
      return writer.contentStarted;
    },
    handle(event: SinkEvent) {
      if (done) return;
      if (event.type !== "tokens") writer.collect(event);
      else if (Number.isFinite(event.tokens) && event.tokens > 0) outputTokens += event.tokens;
    },
    end(reason: StopReason) {
      if (done) return;
      stop();
      writer.finish(reason, outputTokens);
      channel.end();
    },
    fail(error: RelayError) {
      if (done) return;
      stop();
      if (!channel.started) channel.json(error.status, errors.body(error), errors.headers(error));
      else writer.failInStream(error, outputTokens);
      channel.end();
    },
    ping() {
      if (done) return;
      writer.flush();
      writer.keepAlive();
    },
  };
}
