// Checkpoints per conversation (docs/protocol.md §6.2): the raw conversation_checkpoint_update
// bytes, the blob store they reference, and the account that owns them. Replayed only
// on the same account; entries expire 30 minutes after their last update, and the
// store is bounded (entries and bytes), evicting the least recently used. With a
// persistence, entries outlive a restart under the same TTL and bounds. Blobs the run
// sets into a stored checkpoint's map later count toward the byte bound (checkpoint-blobs.ts).
import type { Clock, TimerHandle } from "../base/clock.ts";
import type { CheckpointPersistence } from "./checkpoint-files.ts";
import type { CheckpointBlobs } from "./checkpoint-blobs.ts";

export interface CheckpointEntry {
  bytes: Uint8Array;
  /** The run's own blob map: it may still grow after the put, and the store counts what it adds. */
  blobs: CheckpointBlobs;
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
  /** Resolves once the files are written (after close: once writes still in flight have settled). */
  flush(): Promise<void>;
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
  /** Stops counting the entry's blob map (it is the run's own and may still grow). */
  unwatch(): void;
}

/** The bounds a store gets unless told otherwise (docs/protocol.md §6.2: 30 min TTL, swept every minute). */
export const CHECKPOINT_DEFAULTS = Object.freeze({ ttlMs: 30 * 60_000, maxEntries: 2000, maxBytes: 256 * 1024 * 1024, sweepEveryMs: 60_000 });

/**
 * The entries in recency order (Map order: re-inserted on put/get, so the first key is the
 * least recently used), their byte total, and eviction beyond the caps. An entry's size
 * follows its blob map, so blobs the run sets after the put are counted (and may evict).
 */
function createSlotTable(maxEntries: number, maxBytes: number, persistence: CheckpointPersistence | undefined) {
  const slots = new Map<string, Slot>();
  let total = 0;

  const remove = (id: string) => {
    const s = slots.get(id);
    if (!s) return;
    s.unwatch();
    total -= s.size;
    slots.delete(id);
    persistence?.removed(id);
  };
  /** Evicts the least recently used entries, never `keep`, until both caps hold. */
  const evictBeyondCaps = (keep: string) => {
    for (const oldest of slots.keys()) {
      if (slots.size <= maxEntries && total <= maxBytes) break;
      if (oldest !== keep) remove(oldest);
    }
  };
  const grew = (id: string, slot: Slot, delta: number) => {
    slot.size += delta;
    total += delta;
    evictBeyondCaps(id);
    persistence?.saved(id, slot.entry, slot.updatedAt);
  };
  /** Inserts as the most recent entry and evicts the least recently used beyond the caps. */
  const insert = (id: string, entry: CheckpointEntry, updatedAt: number) => {
    const slot: Slot = { entry, updatedAt, size: entry.bytes.byteLength + entry.blobs.bytes, unwatch: () => {} };
    slot.unwatch = entry.blobs.watch((delta) => grew(id, slot, delta));
    slots.set(id, slot);
    total += slot.size;
    evictBeyondCaps(id);
    return slot;
  };
  const touch = (id: string, slot: Slot) => {
    slots.delete(id);
    slots.set(id, slot);
  };
  const clear = () => {
    for (const s of slots.values()) s.unwatch();
    slots.clear();
    total = 0;
  };
  return { slots, remove, insert, touch, clear, bytes: () => total };
}

type SlotTable = ReturnType<typeof createSlotTable>;

/** What a previous run left on disk, oldest first so recency order survives too. */
function loadPersisted(table: SlotTable, persistence: CheckpointPersistence, expired: (updatedAt: number) => boolean): void {
  const loaded = persistence.load().sort((a, b) => a.updatedAt - b.updatedAt);
  for (const c of loaded) {
    if (expired(c.updatedAt)) persistence.removed(c.conversationId);
    else table.insert(c.conversationId, c.entry, c.updatedAt);
  }
}

export function createCheckpointStore(options: CheckpointStoreOptions): CheckpointStore {
  const { clock, persistence } = options;
  const ttlMs = options.ttlMs ?? CHECKPOINT_DEFAULTS.ttlMs;
  const table = createSlotTable(options.maxEntries ?? CHECKPOINT_DEFAULTS.maxEntries, options.maxBytes ?? CHECKPOINT_DEFAULTS.maxBytes, persistence);
  const { slots, remove } = table;
  const expired = (updatedAt: number) => clock.now() - updatedAt >= ttlMs;
  if (persistence) loadPersisted(table, persistence, expired);
  const removeWhere = (doomed: (s: Slot) => boolean) => {
    for (const [id, s] of [...slots]) if (doomed(s)) remove(id);
  };

  const store: CheckpointStore = {
    put(id, entry) {
      remove(id);
      const slot = table.insert(id, entry, clock.now());
      persistence?.saved(id, entry, slot.updatedAt);
    },
    get(id, accountId) {
      const s = slots.get(id);
      if (!s) return undefined;
      if (expired(s.updatedAt) || s.entry.accountId !== accountId) {
        remove(id);
        return undefined;
      }
      table.touch(id, s);
      return s.entry;
    },
    delete: remove,
    deleteAccount: (accountId) => removeWhere((s) => s.entry.accountId === accountId),
    retainAccounts: (accountIds) => removeWhere((s) => !accountIds.has(s.entry.accountId)),
    ownerOf(id) {
      const s = slots.get(id);
      return s && !expired(s.updatedAt) ? s.entry.accountId : undefined;
    },
    get size() {
      return slots.size;
    },
    get bytes() {
      return table.bytes();
    },
    sweep: () => removeWhere((s) => expired(s.updatedAt)),
    flush: async () => persistence?.flush(),
    close() {
      sweeper.cancel();
      // Written, not deleted: the entries are for the next run.
      persistence?.close();
      table.clear();
    },
  };
  const sweeper: TimerHandle = clock.setInterval(() => store.sweep(), options.sweepEveryMs ?? CHECKPOINT_DEFAULTS.sweepEveryMs);
  return store;
}
