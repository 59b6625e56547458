// The streaming writers on the shared tail (writer-tail.ts): text and thinking deltas go
// through the coalescing batch (createDeltaBatch: on when options.coalesce asks for it),
// which is flushed before anything that must follow what it holds (a tool call, the end
// of a thinking block, a keep-alive) and flushed and stopped before the last events. The
// format-specific events come from the writer.
import type { RelayError } from "../base/errors.ts";
import type { ToolCallRequest } from "../cursor/types.ts";
import type { StopReason, TurnSink } from "../sessions/turn-sink.ts";
import { createDeltaBatch } from "./delta-coalescer.ts";
import type { ResponseChannel } from "./http/channel.ts";
import type { ResponseSinkOptions } from "./sink-options.ts";
import { createWriterSink, type ContentHandlers, type ErrorFormat } from "./writer-tail.ts";

export type DeltaKind = "text" | "thinking";

export interface StreamWriter {
  readonly contentStarted: boolean;
  /** Sends one text or thinking delta (a batch of them when coalescing is on). */
  delta(kind: DeltaKind, text: string): void;
  /** Where text goes instead of the batch, when the writer holds it back (Gemini's JSON mode). */
  holdText?(text: string): void;
  /** The end of a thinking block, where the format has one. */
  thinkingDone?(): void;
  toolCall(call: ToolCallRequest): void;
  /** The closing events of a finished turn. */
  finish(reason: StopReason, outputTokens: number): void;
  /** The failure as an event inside a stream that already started. */
  failInStream(error: RelayError, outputTokens: number): void;
  /** A keep-alive in the format's own shape. */
  keepAlive(): void;
}

export function createStreamSink(channel: ResponseChannel, options: ResponseSinkOptions, writer: StreamWriter, errors: ErrorFormat): TurnSink {
  const batch = createDeltaBatch<DeltaKind>(writer.delta, options);
  const { holdText, thinkingDone } = writer;
  const content: ContentHandlers = {
    text: holdText ?? ((t) => batch.add("text", t)),
    thinking: (t) => batch.add("thinking", t),
    thinkingDone: thinkingDone
      ? () => {
          batch.flush();
          thinkingDone();
        }
      : () => {},
    toolCall(call) {
      batch.flush();
      writer.toolCall(call);
    },
  };
  return createWriterSink(
    channel,
    {
      get contentStarted() {
        return writer.contentStarted;
      },
      showThinking: options.showThinking,
      content,
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
