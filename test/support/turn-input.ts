// A plain one-message turn for tests that drive the session manager directly: a fresh
// conversation with one user message, no tools.
import type { TurnInput } from "../../app/sessions/turn-input.ts";

export function simpleTurnInput(over: Partial<TurnInput> & { text?: string } = {}): TurnInput {
  const { text = "hi", ...rest } = over;
  return {
    conversationId: "conv-1",
    clientModel: "m",
    systemPrompt: "",
    newestUserText: text,
    hasHistory: false,
    flatten: () => text,
    toolResults: [],
    tools: [],
    images: [],
    inputTokens: 1,
    ...rest,
  };
}
