// The fallback that always works (docs/protocol.md §6.4): with no usable checkpoint, the whole
// transcript goes into UserMessage.text, in the client's order, one entry per block.
// Tool results are complete (never truncated). JSON keys are sorted; the exact bytes do not matter to Cursor.
import type { TranscriptEntry } from "./chat-request.ts";

// One closing instruction, never two (a second "continue" line only repeats it).
export const FLATTEN_INSTRUCTION = "Continue your response based on this context.";
export const FLATTEN_CONTEXT_TRAILER = `The above is the previous conversation context including tool call results.\n${FLATTEN_INSTRUCTION}`;

export function flattenTranscript(transcript: readonly TranscriptEntry[]): string {
  const parts: string[] = [];
  for (const e of transcript) {
    switch (e.role) {
      case "user":
        if (e.text !== "") parts.push(`USER: ${e.text}`);
        break;
      case "assistant":
        if (e.text !== "") parts.push(`ASSISTANT: ${e.text}`);
        for (const call of e.toolCalls) {
          parts.push(`ASSISTANT_TOOL_CALL: ${JSON.stringify({ arguments: call.argumentsJson, id: call.id, name: call.name })}`);
        }
        break;
      case "tool": {
        const body = e.isError
          ? { content: e.content, is_error: true, tool_call_id: e.toolCallId }
          : { content: e.content, tool_call_id: e.toolCallId };
        parts.push(`TOOL_RESULT: ${JSON.stringify(body)}`);
        break;
      }
    }
  }
  if (parts.length === 0) return FLATTEN_INSTRUCTION;
  return parts.map((p) => `${p}\n\n`).join("") + FLATTEN_CONTEXT_TRAILER;
}
