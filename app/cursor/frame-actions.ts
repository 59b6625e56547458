// What a Run does with one server frame: events for the session, answers the server waits
// for (KV, native execs, interaction queries), tool calls for the client, exec withdrawals.
import type { McpToolDefinition } from "../../proto/gen/agent/v1/agent_pb.ts";
import type { AgentClientFrame, AgentServerFrame } from "../../proto/gen/agent/v1/agent_service_pb.ts";
import type { RelayError } from "../base/errors.ts";
import { undecodableFrameError } from "./error-classification.ts";
import { answerExec, answerInteractionQuery, answerKv } from "./exec-replies.ts";
import { decodeServerFrame, updateToEvents } from "./server-frame.ts";
import type { CursorEvent, RunOptions, ToolCallRequest } from "./types.ts";

/** The parts of a Run one frame acts on. */
export interface FrameTarget {
  readonly tools: McpToolDefinition[];
  /** The run's own blob store, which KV requests read and write. */
  readonly blobs: RunOptions["blobs"];
  emit(event: CursorEvent): void;
  reply(frame: AgentClientFrame): void;
  /** A tool call now waits for the client's result. */
  awaitToolResult(call: ToolCallRequest): void;
  /** The server withdrew this exec (exec_server_control abort): nobody waits for it. */
  withdrawExec(id: number): void;
  diagnostic(message: string): void;
  fail(error: RelayError): void;
}

export interface FrameOutcome {
  turnEnded: boolean;
  /** The frame carried more than heartbeats. */
  progress: boolean;
}

/** Acts on every member of one frame; says whether the turn ended and whether it carried more than heartbeats. */
export function actOnFrame(frame: AgentServerFrame, run: FrameTarget): FrameOutcome {
  let turnEnded = false;
  let progress = false;
  for (const part of decodeServerFrame(frame)) {
    if (part.kind !== "update" || part.update.message.case !== "heartbeat") progress = true;
    switch (part.kind) {
      case "update":
        if (part.utf8Replaced) run.diagnostic("cursor: a text delta was not valid UTF-8; its bad bytes became U+FFFD");
        for (const ev of updateToEvents(part.update)) {
          if (ev.type === "turn_ended") turnEnded = true;
          else run.emit(ev);
        }
        break;
      case "exec": {
        const outcome = answerExec(part.exec, run.tools);
        if (outcome.kind === "tool_call") {
          run.awaitToolResult(outcome.call);
          run.emit({ type: "tool_call", call: outcome.call });
        } else {
          if (outcome.refused) run.diagnostic(`cursor: refused native tool ${outcome.refused} (exec ${part.exec.id}); the model was told to use the client's tools`);
          run.reply(outcome.frame);
        }
        break;
      }
      case "kv":
        run.reply(answerKv(part.kv, run.blobs));
        break;
      case "checkpoint":
        // Only the bytes: the blobs they reference are in the caller's own store (RunOptions.blobs),
        // which keeps any blob Cursor sets after this frame; a checkpoint keeps that store.
        run.emit({ type: "checkpoint", bytes: part.bytes });
        break;
      case "exec_control":
        if (part.control.message.case === "abort") run.withdrawExec(part.control.message.value.id);
        break;
      case "query":
        run.reply(answerInteractionQuery(part.query));
        break;
      case "undecodable":
        // Skipping it would drop text unseen, or leave a request the server waits on
        // unanswered until the stall watchdog: the turn ends here, clearly.
        run.diagnostic(`cursor: could not decode server frame field ${part.field}: ${String(part.error)}`);
        run.fail(undecodableFrameError(part.field, part.error));
        return { turnEnded: false, progress };
    }
  }
  // turn_ended goes last so nothing carried by the same frame is lost.
  if (turnEnded) run.emit({ type: "turn_ended" });
  return { turnEnded, progress };
}
