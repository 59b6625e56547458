// From a parsed client request to the turn the sessions run: which conversation it
// belongs to (the client key salts it; Claude Code's session id or the prompt's start
// names it), which thread of that conversation (side requests get their own), and what
// the Cursor turn needs (turnInputFrom).
import type { ChatRequest } from "./chat-request.ts";
import { conversationIdOf, firstUserText } from "./conversation-id.ts";
import type { ThreadIds } from "./threads.ts";
import { turnInputFrom, type TurnInput } from "./turn-input.ts";

export interface TurnPlanOptions {
  /** The conversation this request continues (a Responses previous_response_id), instead of the one its content names. */
  continues?: string | undefined;
  /** The prompt-token estimate, or a function computing it on first use. */
  inputTokens: number | (() => number);
}

export function planTurn(request: ChatRequest, clientKey: string, threads: ThreadIds, options: TurnPlanOptions): TurnInput {
  const firstUser = firstUserText(request.transcript);
  const conversationId = options.continues ?? threads.resolve(conversationIdOf(clientKey, request, firstUser), firstUser);
  return turnInputFrom(request, { conversationId, inputTokens: options.inputTokens });
}
