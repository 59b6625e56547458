// The one tail every response writer shares, streaming or JSON: output tokens counted,
// nothing more accepted after the end or a failure, whatever is batched settled before
// the last events, and a failure as a real HTTP error while nothing has gone out yet (so
// a client still sees the status and retry-after) or as the format's own error event
// once the response started. Content events reach the writer's handlers from here:
// empty deltas are dropped and thinking only goes on when the client asked to see it.
import type { RelayError } from "../base/errors.ts";
import type { ToolCallRequest } from "../cursor/types.ts";
import type { SinkEvent, StopReason, TurnSink } from "../sessions/turn-sink.ts";
import type { ResponseChannel } from "./http/channel.ts";

/** How a client format renders an error response. */
export interface ErrorFormat {
  body(error: RelayError): unknown;
  headers(error: RelayError): Record<string, string>;
}

/** What a writer does with each kind of content. */
export interface ContentHandlers {
  /** A text delta, never empty. */
  text(text: string): void;
  /** A thinking delta, never empty, only when thinking is shown. */
  thinking(text: string): void;
  /** The thinking block ended (a later thinking delta starts a new one). */
  thinkingDone(): void;
  toolCall(call: ToolCallRequest): void;
}

/** The format-specific part of a writer, as the tail drives it. */
export interface TurnWriter {
  readonly contentStarted: boolean;
  /** Show thinking (else thinking deltas never reach `content`). */
  readonly showThinking: boolean;
  readonly content: ContentHandlers;
  /** Called once, before the closing events: sends and stops whatever is batched. */
  settle(): void;
  /** The closing events (or body) of a finished turn. */
  finish(reason: StopReason, outputTokens: number): void;
  /** The failure as an event inside a response that already started. */
  failInStream(error: RelayError, outputTokens: number): void;
  /** A keep-alive in the format's own shape (nothing where the format has none). */
  keepAlive(): void;
}

export function createWriterSink(channel: ResponseChannel, writer: TurnWriter, errors: ErrorFormat): TurnSink {
  const { content, showThinking } = writer;
  let outputTokens = 0;
  let done = false;
  const stop = () => {
    writer.settle();
    done = true;
  };
  return {
    get contentStarted() {
      return writer.contentStarted;
    },
    handle(event: SinkEvent) {
      if (done) return;
      switch (event.type) {
        case "text":
          if (event.text !== "") content.text(event.text);
          return;
        case "thinking":
          if (event.text !== "" && showThinking) content.thinking(event.text);
          return;
        case "thinking_done":
          content.thinkingDone();
          return;
        case "tool_call":
          content.toolCall(event.call);
          return;
        case "tokens":
          if (Number.isFinite(event.tokens) && event.tokens > 0) outputTokens += event.tokens;
          return;
      }
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
      writer.keepAlive();
    },
  };
}
