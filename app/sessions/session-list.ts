// What the dashboard lists per account: the open streams and the sessions that finished
// within the last idleListMs. Finished entries are pruned as they are added too, so a
// headless relay nobody asks for the list never grows it.
import type { Clock } from "../base/clock.ts";
import type { LiveSessionView } from "../base/control-api.ts";
import type { LiveSession } from "./live-session.ts";

interface FinishedEntry {
  view: LiveSessionView;
  accountId: string;
  until: number;
}

export interface SessionList {
  /** A session served the client and is closed now: listed until idleListMs have passed. */
  finished(s: LiveSession): void;
  /** A new stream took this key: its finished predecessor is no longer listed. */
  reopened(key: string): void;
  /** Open and recently finished sessions per account (open ones first). */
  views(open: Iterable<LiveSession>, isOpen: (key: string) => boolean): Map<string, LiveSessionView[]>;
  readonly size: number;
  clear(): void;
}

export const viewOf = (s: LiveSession): LiveSessionView => ({
  conversationId: s.conversationId,
  model: s.model,
  cursorModel: s.cursorModel,
  state: s.state,
  tokens: { ...s.tokens },
  startedAt: s.startedAt,
});

export function createSessionList(clock: Clock, idleListMs: number): SessionList {
  // Map order = expiry order (re-inserted on every finish).
  const finished = new Map<string, FinishedEntry>();

  /** Drops finished sessions listed for longer than idleListMs (the oldest come first). */
  const prune = () => {
    const now = clock.now();
    for (const [key, e] of finished) {
      if (e.until > now) break;
      finished.delete(key);
    }
  };

  return {
    finished(s) {
      finished.delete(s.key);
      finished.set(s.key, { view: viewOf(s), accountId: s.accountId, until: clock.now() + idleListMs });
      prune();
    },
    reopened: (key) => void finished.delete(key),
    views(open, isOpen) {
      const now = clock.now();
      const out = new Map<string, LiveSessionView[]>();
      const add = (accountId: string, v: LiveSessionView) => {
        const list = out.get(accountId);
        if (list) list.push(v);
        else out.set(accountId, [v]);
      };
      for (const [key, e] of finished) if (e.until <= now || isOpen(key)) finished.delete(key);
      for (const s of open) add(s.accountId, viewOf(s));
      for (const e of finished.values()) add(e.accountId, e.view);
      return out;
    },
    get size() {
      return finished.size;
    },
    clear: () => finished.clear(),
  };
}
