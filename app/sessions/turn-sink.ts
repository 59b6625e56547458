// Where a turn's events go: the Anthropic or OpenAI writer of one client response.
import type { RelayError } from "../base/errors.ts";
import type { CursorEvent } from "../cursor/types.ts";

export type StopReason = "end_turn" | "tool_use" | "max_tokens";

/** Events a sink renders (checkpoints and turn ends are the session's business). */
export type SinkEvent = Exclude<CursorEvent, { type: "checkpoint" } | { type: "turn_ended" }>;

export interface TurnSink {
  /** True once the client has seen content; after that a failure can no longer move the turn to another account. */
  readonly contentStarted: boolean;
  handle(event: SinkEvent): void;
  end(reason: StopReason): void;
  /** Ends the response with an error in the client's format (an error event when streaming). */
  fail(error: RelayError): void;
  /** Keeps the client's connection alive while the upstream is silent. */
  ping(): void;
  /**
   * Backpressure: undefined while the client keeps up, else a promise that resolves when
   * it has read what was sent. The session pulls no further event until then, so a client
   * that stops reading stops the Cursor stream instead of filling memory.
   */
  whenWritable?(): Promise<void> | undefined;
}
