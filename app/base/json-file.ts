// Small JSON files in the data dir: created 0600 (the dir 0700), written atomically
// (temp file + fsync + rename) so a crash leaves either the old or the new content.
import { mkdirSync, openSync, writeSync, fsyncSync, closeSync, renameSync, readFileSync, chmodSync, rmSync } from "node:fs";
import { dirname, join, basename } from "node:path";
import { randomBytes } from "node:crypto";
import { open, rm } from "node:fs/promises";

export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
}

export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  ensurePrivateDir(dirname(path));
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`);
  const fd = openSync(tmp, "w", 0o600);
  try {
    writeSync(fd, typeof data === "string" ? Buffer.from(data, "utf8") : data);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true }); // a failed write (disk full) leaves no partial temp file
    throw e;
  }
  closeSync(fd);
  try {
    chmodSync(tmp, 0o600);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/**
 * writeFileAtomic off the event loop: the write and the fsync run on libuv's thread pool.
 * `stillWanted` is asked right before the rename, and the rename is synchronous after it, so
 * the answer holds when the file lands: a writer that has since written newer content (or
 * written its last content synchronously on stop) is never overwritten by this older one.
 * Resolves true when the file was replaced, false when it was not wanted any more.
 */
export async function writeFileAtomicAsync(path: string, data: string | Uint8Array, stillWanted: () => boolean = () => true): Promise<boolean> {
  ensurePrivateDir(dirname(path));
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`);
  const fh = await open(tmp, "w", 0o600);
  try {
    await fh.writeFile(typeof data === "string" ? Buffer.from(data, "utf8") : data);
    await fh.sync();
  } catch (e) {
    await fh.close();
    await rm(tmp, { force: true }); // a failed write (disk full) leaves no partial temp file
    throw e;
  }
  await fh.close();
  try {
    if (!stillWanted()) {
      rmSync(tmp, { force: true });
      return false;
    }
    // Mode 0600 came with open(); chmod again in case the umask took bits away.
    chmodSync(tmp, 0o600);
    renameSync(tmp, path);
    return true;
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, JSON.stringify(value, null, 2) + "\n");
}

/** Reads a JSON file; undefined when it does not exist. A corrupt file throws. */
export function readJson(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
  return JSON.parse(text);
}

// Lenient readers for the fields of a parsed file: a value of the wrong type reads as absent.
export const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
export const recordOrEmpty = (v: unknown): Record<string, unknown> => (isRecord(v) ? v : {});
export const numOrNull = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);
export const strOrNull = (v: unknown): string | null => (typeof v === "string" ? v : null);
