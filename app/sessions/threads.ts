// One Claude Code session id can carry several threads: the main conversation and side
// requests (titles, command checks) with other messages. The first thread seen for a
// conversation id keeps it (docs/protocol.md §6.1); any other thread gets an id derived from
// its first user message, so a side request never replays or overwrites the main
// thread's checkpoint. Which thread came first is kept across restarts (see
// thread-file.ts), or a side request after a restart could take the main thread's id.
import { createHash } from "node:crypto";
import { conversationIdFrom } from "./conversation-id.ts";

export interface ThreadIds {
  /** The conversation id for this request's thread. */
  resolve(conversationId: string, firstUserText: string | undefined): string;
  readonly size: number;
  /** conversation id → fingerprint of its first thread, least recently used first. */
  entries(): [string, string][];
}

export interface ThreadIdsOptions {
  /** What a previous run knew, oldest first. */
  initial?: Iterable<[string, string]>;
  /** A conversation got its first thread (what persistence saves). */
  onAdded?: () => void;
}

export function createThreadIds(maxEntries = 10_000, options: ThreadIdsOptions = {}): ThreadIds {
  // Map order = recency; the oldest entry goes first when the map is full.
  const primary = new Map<string, string>();
  for (const [id, fp] of options.initial ?? []) {
    primary.delete(id);
    primary.set(id, fp);
    if (primary.size > maxEntries) primary.delete(primary.keys().next().value!);
  }
  return {
    resolve(conversationId, firstUserText) {
      const fp = createHash("sha256")
        .update(firstUserText ?? "")
        .digest("hex")
        .slice(0, 16);
      const known = primary.get(conversationId);
      if (known === undefined) {
        primary.set(conversationId, fp);
        if (primary.size > maxEntries) primary.delete(primary.keys().next().value!);
        options.onAdded?.();
        return conversationId;
      }
      primary.delete(conversationId);
      primary.set(conversationId, known);
      return known === fp ? conversationId : conversationIdFrom(`cursor-thread:${conversationId}:${fp}`);
    },
    get size() {
      return primary.size;
    },
    entries: () => [...primary],
  };
}
