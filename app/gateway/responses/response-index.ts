// Which conversation a response belonged to, so a request with previous_response_id
// continues that conversation (its parked stream or its checkpoint) with only the new
// input items. Kept in memory, newest entries last; the oldest go first when full.
// Ids are salted with the client key so one key cannot continue another key's thread.
export interface ResponseIndex {
  remember(clientKey: string, responseId: string, conversationId: string): void;
  conversationOf(clientKey: string, responseId: string): string | undefined;
}

export function createResponseIndex(maxEntries = 10_000): ResponseIndex {
  const entries = new Map<string, string>();
  const keyOf = (clientKey: string, responseId: string) => `${clientKey}\u0000${responseId}`;
  return {
    remember(clientKey, responseId, conversationId) {
      entries.set(keyOf(clientKey, responseId), conversationId);
      if (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
    },
    conversationOf: (clientKey, responseId) => entries.get(keyOf(clientKey, responseId)),
  };
}
