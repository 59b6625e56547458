// The part every non-streaming writer shares: output tokens counted, nothing more
// accepted after the end or a failure, the body sent once on end(), a failure as the
// client's error body. What differs per client format — how content is collected and
// what the final body looks like — comes from the collector. contentStarted turns true
// with the first collected content, so a later failure is reported instead of retried
// into a duplicate; ping() does nothing, as a JSON response cannot carry one.
import type { RelayError } from "../base/errors.ts";
import type { SinkEvent, StopReason, TurnSink } from "../sessions/turn-sink.ts";
import type { ResponseChannel } from "./http/channel.ts";

/** The events a collector sees (token counts are the shared part's). */
export type ContentEvent = Exclude<SinkEvent, { type: "tokens" }>;

export interface JsonCollector {
  readonly contentStarted: boolean;
  collect(event: ContentEvent): void;
  /** The success body, built once the turn has ended. */
  body(reason: StopReason, outputTokens: number): unknown;
}

export interface JsonErrorFormat {
  body(error: RelayError): unknown;
  headers(error: RelayError): Record<string, string>;
}

export function createJsonSink(channel: ResponseChannel, collector: JsonCollector, errors: JsonErrorFormat): TurnSink {
  let outputTokens = 0;
  let done = false;
  return {
    get contentStarted() {
      return collector.contentStarted;
    },
    handle(event: SinkEvent) {
      if (done) return;
      if (event.type !== "tokens") collector.collect(event);
      else if (Number.isFinite(event.tokens) && event.tokens > 0) outputTokens += event.tokens;
    },
    end(reason: StopReason) {
      if (done) return;
      done = true;
      channel.json(200, collector.body(reason, outputTokens));
      channel.end();
    },
    fail(error: RelayError) {
      if (done) return;
      done = true;
      channel.json(error.status, errors.body(error), errors.headers(error));
      channel.end();
    },
    ping() {},
  };
}
