// Checkpoints per conversation (docs/protocol.md §6.2): the raw conversation_checkpoint_update
// bytes, the blob store they reference, and the account that owns them. Replayed only
// on the same account; entries expire 30 minutes after their last update, and the
// store is bounded (entries and bytes), evicting the least recently used. With a
// persistence, entries outlive a restart under the same TTL and bounds.
import type { Clock, TimerHandle } from "../base/clock.ts";
import type { CheckpointPersistence } from "./checkpoint-files.ts";

export interface CheckpointEntry {
  bytes: Uint8Array;
  blobs: Map<string, Uint8Array>;
  accountId: string;
}

export interface CheckpointStore {
  put(conversationId: string, entry: CheckpointEntry): void;
  /** The entry only when it belongs to accountId; another account's entry is deleted, never returned. */
  get(conversationId: string, accountId: string): CheckpointEntry | undefined;
  delete(conversationId: string): void;
  /** Drops every checkpoint an account owns (removed or disabled account). */
  deleteAccount(accountId: string): void;
  /** Drops every checkpoint of an account not in `accountIds` (e.g. removed while the relay was stopped). */
  retainAccounts(accountIds: ReadonlySet<string>): void;
  /** Which account owns the stored checkpoint, if any (a turn prefers that account). */
  ownerOf(conversationId: string): string | undefined;
  readonly size: number;
  readonly bytes: number;
  /** Removes expired entries now (also runs on a timer). */
  sweep(): void;
  close(): void;
}

export interface CheckpointStoreOptions {
  clock: Clock;
  ttlMs?: number;
  maxEntries?: number;
  maxBytes?: number;
  sweepEveryMs?: number;
  /** Where entries survive a restart: loaded at creation (expired ones dropped), told of every change. */
  persistence?: CheckpointPersistence;
}

interface Slot {
  entry: CheckpointEntry;
  updatedAt: number;
  size: number;
}

const sizeOf = (e: CheckpointEntry): number => {
  let n = e.bytes.byteLength;
  for (const [k, v] of e.blobs) n += k.length + v.byteLength;
  return n;
};

/** The bounds a store gets unless told otherwise (docs/protocol.md §6.2: 30 min TTL, swept every minute). */
export const CHECKPOINT_DEFAULTS = Object.freeze({ ttlMs: 30 * 60_000, maxEntries: 2000, maxBytes: 256 * 1024 * 1024, sweepEveryMs: 60_000 });

export function createCheckpointStore(options: CheckpointStoreOptions): CheckpointStore {
  const { clock } = options;
  const ttlMs = options.ttlMs ?? CHECKPOINT_DEFAULTS.ttlMs;
  const maxEntries = options.maxEntries ?? CHECKPOINT_DEFAULTS.maxEntries;
  const maxBytes = options.maxBytes ?? CHECKPOINT_DEFAULTS.maxBytes;
  // Map order = recency (re-inserted on put/get), so the first key is the least recently used.
  const slots = new Map<string, Slot>();
  let total = 0;

  const persistence = options.persistence;

  const remove = (id: string) => {
    const s = slots.get(id);
    if (!s) return;
    total -= s.size;
    slots.delete(id);
    persistence?.removed(id);
  };
  const expired = (s: Slot) => clock.now() - s.updatedAt >= ttlMs;
  /** Inserts as the most recent entry and evicts the least recently used beyond the caps. */
  const insert = (id: string, slot: Slot) => {
    slots.set(id, slot);
    total += slot.size;
    for (const oldest of slots.keys()) {
      if (slots.size <= maxEntries && total <= maxBytes) break;
      if (oldest === id) continue;
      remove(oldest);
    }
  };

  // What a previous run left on disk, oldest first so recency order survives too.
  if (persistence) {
    const loaded = persistence.load().sort((a, b) => a.updatedAt - b.updatedAt);
    for (const c of loaded) {
      const slot = { entry: c.entry, updatedAt: c.updatedAt, size: sizeOf(c.entry) };
      if (expired(slot)) persistence.removed(c.conversationId);
      else insert(c.conversationId, slot);
    }
  }

  const sweeper: TimerHandle = clock.setInterval(() => store.sweep(), options.sweepEveryMs ?? CHECKPOINT_DEFAULTS.sweepEveryMs);

  const store: CheckpointStore = {
    put(id, entry) {
      remove(id);
      const slot = { entry, updatedAt: clock.now(), size: sizeOf(entry) };
      insert(id, slot);
      persistence?.saved(id, entry, slot.updatedAt);
    },
    get(id, accountId) {
      const s = slots.get(id);
      if (!s) return undefined;
      if (expired(s) || s.entry.accountId !== accountId) {
        remove(id);
        return undefined;
      }
      slots.delete(id);
      slots.set(id, s);
      return s.entry;
    },
    delete: remove,
    deleteAccount(accountId) {
      for (const [id, s] of [...slots]) if (s.entry.accountId === accountId) remove(id);
    },
    retainAccounts(accountIds) {
      for (const [id, s] of [...slots]) if (!accountIds.has(s.entry.accountId)) remove(id);
    },
    ownerOf(id) {
      const s = slots.get(id);
      return s && !expired(s) ? s.entry.accountId : undefined;
    },
    get size() {
      return slots.size;
    },
    get bytes() {
      return total;
    },
    sweep() {
      for (const [id, s] of [...slots]) if (expired(s)) remove(id);
    },
    close() {
      sweeper.cancel();
      // Written, not deleted: the entries are for the next run.
      persistence?.close();
      slots.clear();
      total = 0;
    },
  };
  return store;
}
