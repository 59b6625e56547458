// Checkpoints on disk, so a relay restart keeps conversations: one file per conversation
// in <dataDir>/checkpoints (dir 0700, files 0600). Writes are debounced and asynchronous
// (temp file + fsync + rename), off the turn path; close() writes what is still pending,
// synchronously, so a clean stop loses nothing. A file holds a small JSON header (owner
// account, last update, sizes) followed by the raw checkpoint bytes and the blobs.
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { open, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import type { Clock, TimerHandle } from "../base/clock.ts";
import { ensurePrivateDir, writeFileAtomic } from "../base/json-file.ts";
import type { Logger } from "../base/log.ts";
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
  const blobs = new Map<string, Uint8Array>();
  for (const [k, n] of h.blobs) blobs.set(String(k), take(n));
  if (at !== buf.length) throw new Error("trailing bytes in checkpoint file");
  return { conversationId: h.conversationId, updatedAt: h.updatedAt, entry: { bytes, blobs, accountId: h.accountId } };
}

/** A file name any conversation id maps to safely (ids come from hashes, but never trust a path). */
const fileNameOf = (conversationId: string) => `${Buffer.from(conversationId, "utf8").toString("base64url")}${SUFFIX}`;

export function createCheckpointFiles(options: CheckpointFilesOptions): CheckpointPersistence {
  const { dir, clock, logger } = options;
  const debounceMs = Math.max(0, options.debounceMs ?? 500);
  // conversation → its newest change not yet known to be on disk (null = remove the file).
  const unwritten = new Map<string, { change: PersistedCheckpoint | null; version: number }>();
  // Those of them still waiting for the debounce.
  const pending = new Set<string>();
  let nextVersion = 1;
  let timer: TimerHandle | null = null;
  let writing: Promise<void> = Promise.resolve();
  let closed = false;

  const schedule = (id: string, change: PersistedCheckpoint | null) => {
    if (closed) return;
    unwritten.set(id, { change, version: nextVersion++ });
    pending.add(id);
    timer ??= clock.setTimeout(drain, debounceMs);
  };

  /** Hands every pending change to the (serial) async writer. */
  function drain(): void {
    timer?.cancel();
    timer = null;
    const batch = [...pending].map((id) => ({ id, ...unwritten.get(id)! }));
    pending.clear();
    writing = writing.then(() => writeBatch(batch));
  }

  /** Still the newest change of its conversation (an older write must not land over a newer one). */
  const current = (id: string, version: number) => !closed && unwritten.get(id)?.version === version;

  async function writeBatch(batch: { id: string; change: PersistedCheckpoint | null; version: number }[]): Promise<void> {
    for (const { id, change, version } of batch) {
      if (!current(id, version)) continue;
      const path = join(dir, fileNameOf(id));
      try {
        if (change === null) {
          await rm(path, { force: true });
        } else {
          ensurePrivateDir(dir);
          const tmp = join(dir, `.${fileNameOf(id)}.${randomBytes(6).toString("hex")}.tmp`);
          const fh = await open(tmp, "w", 0o600);
          try {
            await fh.writeFile(encodeCheckpointFile(change));
            await fh.sync();
          } finally {
            await fh.close();
          }
          if (current(id, version)) await rename(tmp, path);
          else await rm(tmp, { force: true });
        }
        if (current(id, version)) unwritten.delete(id);
      } catch (e) {
        logger?.warn("could not write a checkpoint file", { error: (e as Error).message });
      }
    }
  }

  return {
    load() {
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
    },
    saved(id, entry, updatedAt) {
      schedule(id, { conversationId: id, entry, updatedAt });
    },
    removed(id) {
      schedule(id, null);
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
      // Everything not yet on disk, including writes still in flight, is written now.
      for (const [id, { change }] of unwritten) {
        const path = join(dir, fileNameOf(id));
        try {
          if (change === null) rmSync(path, { force: true });
          else writeFileAtomic(path, encodeCheckpointFile(change));
        } catch (e) {
          logger?.warn("could not write a checkpoint file", { error: (e as Error).message });
        }
      }
      unwritten.clear();
      pending.clear();
    },
  };
}
