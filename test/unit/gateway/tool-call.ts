// A tool call as the Cursor client hands it to the writers (exec id 1), bare or as the
// session's sink event.
import type { ToolCallRequest } from "../../../app/cursor/types.ts";
import type { SinkEvent } from "../../../app/sessions/turn-sink.ts";

export const toolCall = (toolCallId: string, name: string, argsJson: string): ToolCallRequest => ({ execId: 1, execIdString: "e", toolCallId, name, argsJson });

export const toolCallEvent = (toolCallId: string, name: string, argsJson: string): SinkEvent => ({ type: "tool_call", call: toolCall(toolCallId, name, argsJson) });
