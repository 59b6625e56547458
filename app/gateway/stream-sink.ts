// The streaming writers on the shared tail (writer-tail.ts): the coalescing batch is
// flushed before anything that must follow what it holds (a tool call, the end of a
// thinking block, a keep-alive) and flushed and stopped before the last events. The
// format-specific events come from the writer.
import type { RelayError } from "../base/errors.ts";
import type { StopReason, TurnSink } from "../sessions/turn-sink.ts";
import type { DeltaCoalescer } from "./delta-coalescer.ts";
import type { ResponseChannel } from "./http/channel.ts";
import { createWriterSink, type ContentHandlers, type ErrorFormat } from "./writer-tail.ts";

export interface StreamWriter {
  readonly contentStarted: boolean;
  /** Show thinking (else thinking deltas never reach `content`). */
  readonly showThinking: boolean;
  /** The writer's delta batch (createDeltaBatch). */
  readonly batch: Pick<DeltaCoalescer<string>, "flush" | "close">;
  /** thinkingDone may be left out where a thinking block has no end event. */
  readonly content: Omit<ContentHandlers, "thinkingDone"> & Partial<Pick<ContentHandlers, "thinkingDone">>;
  /** The closing events of a finished turn. */
  finish(reason: StopReason, outputTokens: number): void;
  /** The failure as an event inside a stream that already started. */
  failInStream(error: RelayError, outputTokens: number): void;
  /** A keep-alive in the format's own shape. */
  keepAlive(): void;
}

export function createStreamSink(channel: ResponseChannel, writer: StreamWriter, errors: ErrorFormat): TurnSink {
  const { batch, content } = writer;
  const thinkingDone = content.thinkingDone;
  const handlers: ContentHandlers = {
    text: content.text,
    thinking: content.thinking,
    thinkingDone: thinkingDone
      ? () => {
          batch.flush();
          thinkingDone();
        }
      : () => {},
    toolCall(call) {
      batch.flush();
      content.toolCall(call);
    },
  };
  return createWriterSink(
    channel,
    {
      get contentStarted() {
        return writer.contentStarted;
      },
      showThinking: writer.showThinking,
      content: handlers,
      settle() {
        batch.flush();
        batch.close();
      },
      finish: (reason, outputTokens) => writer.finish(reason, outputTokens),
      failInStream: (error, outputTokens) => writer.failInStream(error, outputTokens),
      keepAlive() {
        batch.flush();
        writer.keepAlive();
      },
    },
    errors,
  );
}
