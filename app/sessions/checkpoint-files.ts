// Checkpoints on disk, so a relay restart keeps conversations: one file per conversation
// in <dataDir>/checkpoints (dir 0700, files 0600). Writes are debounced and go through the
// shared atomic writer (temp file + fsync on the thread pool + rename), off the turn path; close() writes what is still pending,
// synchronously, so a clean stop loses nothing. A file holds a small JSON header (owner
// account, last update, sizes) followed by the raw checkpoint bytes and the blobs.
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { Clock, TimerHandle } from "../base/clock.ts";
import { writeFileAtomic, writeFileAtomicAsync } from "../base/json-file.ts";
import type { Logger } from "../base/log.ts";
import { CheckpointBlobs } from "./checkpoint-blobs.ts";
import type { CheckpointEntry } from "./checkpoint-store.ts";

export interface PersistedCheckpoint {
  conversationId: string;
  entry: CheckpointEntry;
  updatedAt: number;
}

/** What the checkpoint store tells its persistence; the store keeps TTL and caps. */
export interface CheckpointPersistence {
  /** Every readable checkpoint on disk (unreadable files and stray temp files are removed). */
  load(): PersistedCheckpoint[];
  /** The entry changed: written after the debounce. */
  saved(conversationId: string, entry: CheckpointEntry, updatedAt: number): void;
  /** The entry is gone: its file is removed after the debounce. */
  removed(conversationId: string): void;
  /** Resolves once every change made so far is on disk. */
  flush(): Promise<void>;
  /** Writes what is still pending, synchronously, and stops. */
  close(): void;
}

export interface CheckpointFilesOptions {
  dir: string;
  clock: Clock;
  logger?: Logger;
  debounceMs?: number;
}

const MAGIC = Buffer.from("CRCKPT1\n", "latin1");
const SUFFIX = ".ckpt";

interface Header {
  conversationId: string;
  accountId: string;
  updatedAt: number;
  bytes: number;
  blobs: [string, number][];
}

export function encodeCheckpointFile(c: PersistedCheckpoint): Buffer {
  const blobs = [...c.entry.blobs];
  const header: Header = {
    conversationId: c.conversationId,
    accountId: c.entry.accountId,
    updatedAt: c.updatedAt,
    bytes: c.entry.bytes.byteLength,
    blobs: blobs.map(([k, v]) => [k, v.byteLength]),
  };
  const json = Buffer.from(JSON.stringify(header), "utf8");
  const len = Buffer.alloc(4);
  len.writeUInt32BE(json.length);
  return Buffer.concat([MAGIC, len, json, c.entry.bytes, ...blobs.map(([, v]) => v)]);
}

/** The checkpoint in a file's bytes; throws on anything malformed. */
export function decodeCheckpointFile(buf: Buffer): PersistedCheckpoint {
  if (buf.length < MAGIC.length + 4 || !buf.subarray(0, MAGIC.length).equals(MAGIC)) throw new Error("not a checkpoint file");
  const jsonLen = buf.readUInt32BE(MAGIC.length);
  let at = MAGIC.length + 4;
  const h = JSON.parse(buf.subarray(at, at + jsonLen).toString("utf8")) as Header;
  at += jsonLen;
  if (typeof h.conversationId !== "string" || typeof h.accountId !== "string" || !Number.isFinite(h.updatedAt) || !Array.isArray(h.blobs)) {
    throw new Error("bad checkpoint header");
  }
  const take = (n: number): Uint8Array => {
    if (!Number.isInteger(n) || n < 0 || at + n > buf.length) throw new Error("truncated checkpoint file");
    const out = new Uint8Array(buf.subarray(at, at + n));
    at += n;
    return out;
  };
  const bytes = take(h.bytes);
  const blobs = new CheckpointBlobs();
  for (const [k, n] of h.blobs) blobs.set(String(k), take(n));
  if (at !== buf.length) throw new Error("trailing bytes in checkpoint file");
  return { conversationId: h.conversationId, updatedAt: h.updatedAt, entry: { bytes, blobs, accountId: h.accountId } };
}

/** A file name any conversation id maps to safely (ids come from hashes, but never trust a path). */
const fileNameOf = (conversationId: string) => `${Buffer.from(conversationId, "utf8").toString("base64url")}${SUFFIX}`;

/** Every readable checkpoint in `dir`; unreadable files and temp files left by a crash are removed. */
function loadCheckpointFiles(dir: string, logger: Logger | undefined): PersistedCheckpoint[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const out: PersistedCheckpoint[] = [];
  for (const name of names) {
    const path = join(dir, name);
    if (name.endsWith(".tmp")) {
      rmSync(path, { force: true }); // left by a crash mid-write
      continue;
    }
    if (!name.endsWith(SUFFIX)) continue;
    try {
      const c = decodeCheckpointFile(readFileSync(path));
      if (fileNameOf(c.conversationId) !== name) throw new Error("file name does not match its conversation");
      out.push(c);
    } catch (e) {
      logger?.debug("dropping an unreadable checkpoint file", { error: (e as Error).message });
      rmSync(path, { force: true });
    }
  }
  return out;
}

/** A conversation's newest change not yet known to be on disk (null = remove the file). */
interface Unwritten {
  change: PersistedCheckpoint | null;
  version: number;
}

/**
 * The debounced, serial writes: each conversation's newest change is written after the
 * debounce through the shared atomic async writer (write and fsync on the thread pool); an
 * older write never lands over a newer change, nor over what close() wrote synchronously.
 */
function createCheckpointWrites(dir: string, clock: Clock, debounceMs: number, logger: Logger | undefined) {
  const unwritten = new Map<string, Unwritten>();
  const pending = new Set<string>(); // those still waiting for the debounce
  let nextVersion = 1;
  let timer: TimerHandle | null = null;
  let writing: Promise<void> = Promise.resolve();
  let closed = false;
  const pathOf = (id: string) => join(dir, fileNameOf(id));
  const warn = (e: unknown) => logger?.warn("could not write a checkpoint file", { error: (e as Error).message });
  /** Still the newest change of its conversation, and not closed. */
  const current = (id: string, version: number) => !closed && unwritten.get(id)?.version === version;

  const writeOne = async (id: string, { change, version }: Unwritten): Promise<void> => {
    if (!current(id, version)) return;
    try {
      // The unlink runs on this turn, right after the check: an older removal never lands
      // after close() wrote a newer version synchronously.
      if (change === null) rmSync(pathOf(id), { force: true });
      else await writeFileAtomicAsync(pathOf(id), encodeCheckpointFile(change), () => current(id, version));
      if (current(id, version)) unwritten.delete(id);
    } catch (e) {
      warn(e);
    }
  };
  /** Hands every pending change to the serial writer. */
  const drain = () => {
    timer?.cancel();
    timer = null;
    const batch = [...pending].map((id) => [id, unwritten.get(id)!] as const);
    pending.clear();
    writing = writing.then(async () => {
      for (const [id, u] of batch) await writeOne(id, u);
    });
  };
  /** Everything not yet on disk, including writes still in flight, written synchronously. */
  const writeRestNow = () => {
    for (const [id, { change }] of unwritten) {
      try {
        if (change === null) rmSync(pathOf(id), { force: true });
        else writeFileAtomic(pathOf(id), encodeCheckpointFile(change));
      } catch (e) {
        warn(e);
      }
    }
  };

  return {
    schedule(id: string, change: PersistedCheckpoint | null) {
      if (closed) return;
      unwritten.set(id, { change, version: nextVersion++ });
      pending.add(id);
      timer ??= clock.setTimeout(drain, debounceMs);
    },
    async flush() {
      if (pending.size > 0) drain();
      await writing;
    },
    close() {
      if (closed) return;
      closed = true;
      timer?.cancel();
      timer = null;
      writeRestNow();
      unwritten.clear();
      pending.clear();
    },
  };
}

export function createCheckpointFiles(options: CheckpointFilesOptions): CheckpointPersistence {
  const { dir, logger } = options;
  const writes = createCheckpointWrites(dir, options.clock, Math.max(0, options.debounceMs ?? 500), logger);
  return {
    load: () => loadCheckpointFiles(dir, logger),
    saved: (id, entry, updatedAt) => writes.schedule(id, { conversationId: id, entry, updatedAt }),
    removed: (id) => writes.schedule(id, null),
    flush: () => writes.flush(),
    close: () => writes.close(),
  };
}
