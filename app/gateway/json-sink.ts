// The non-streaming writers on the shared tail (writer-tail.ts): the body goes out once
// on end(). What differs per client format — how content is collected and what the
// final body looks like — comes from the collector. contentStarted turns true with the
// first collected content, so a later failure is reported instead of retried into a
// duplicate; a ping does nothing, as a JSON response cannot carry one.
import type { StopReason, TurnSink } from "../sessions/turn-sink.ts";
import type { ResponseChannel } from "./http/channel.ts";
import { createWriterSink, type ContentHandlers, type ErrorFormat } from "./writer-tail.ts";

export interface JsonCollector {
  readonly contentStarted: boolean;
  /** Show thinking (else thinking deltas never reach `content`). */
  readonly showThinking: boolean;
  readonly content: ContentHandlers;
  /** The success body, built once the turn has ended. */
  body(reason: StopReason, outputTokens: number): unknown;
}

export function createJsonSink(channel: ResponseChannel, collector: JsonCollector, errors: ErrorFormat): TurnSink {
  const nothing = () => {};
  return createWriterSink(
    channel,
    {
      get contentStarted() {
        return collector.contentStarted;
      },
      showThinking: collector.showThinking,
      content: collector.content,
      settle: nothing,
      finish: (reason, outputTokens) => channel.json(200, collector.body(reason, outputTokens)),
      // Nothing goes out before the body, so a failure is always the plain HTTP error.
      failInStream: nothing,
      keepAlive: nothing,
    },
    errors,
  );
}
