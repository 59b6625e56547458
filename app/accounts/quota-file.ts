// <dataDir>/quota.json: the last figures read per account, so `cursor-relay accounts` (another
// process) shows them and a restart starts from them. Two writers (the relay's poller and
// `accounts --refresh`) may touch it: each account keeps whichever reading is newer.
import { join } from "node:path";
import { createCoalescingWriter } from "../base/coalescing-writer.ts";
import { isRecord, numOrNull, readJson, strOrNull, writeJsonAtomic } from "../base/json-file.ts";
import { QUOTA_POOLS, type AccountQuota, type QuotaPool } from "../base/quota.ts";

export const QUOTA_FILE = "quota.json";
const VERSION = 1;

function quotaFrom(raw: unknown): AccountQuota | null {
  if (!isRecord(raw)) return null;
  const f = raw.figures;
  const figures = isRecord(f)
    ? {
        plan: strOrNull(f.plan),
        autoPercentUsed: numOrNull(f.autoPercentUsed),
        apiPercentUsed: numOrNull(f.apiPercentUsed),
        totalPercentUsed: numOrNull(f.totalPercentUsed),
        cycleStart: numOrNull(f.cycleStart),
        cycleEnd: numOrNull(f.cycleEnd),
        onDemand:
          isRecord(f.onDemand) && numOrNull(f.onDemand.limitCents) !== null
            ? { limitCents: numOrNull(f.onDemand.limitCents)!, remainingCents: numOrNull(f.onDemand.remainingCents) ?? 0 }
            : null,
        displayMessage: strOrNull(f.displayMessage),
        enabled: f.enabled !== false,
      }
    : null;
  const since = isRecord(raw.usedUpSince) ? raw.usedUpSince : {};
  const usedUpSince: Partial<Record<QuotaPool, number>> = {};
  for (const pool of QUOTA_POOLS) if (numOrNull(since[pool]) !== null) usedUpSince[pool] = since[pool] as number;
  return { figures, readAt: numOrNull(raw.readAt), readError: strOrNull(raw.readError), readErrorAt: numOrNull(raw.readErrorAt), usedUpSince };
}

/** Every account's quota in the file; an absent or unreadable file is empty (figures are only a view). */
export function readQuotaFile(dataDir: string): Map<string, AccountQuota> {
  const out = new Map<string, AccountQuota>();
  let raw: unknown;
  try {
    raw = readJson(join(dataDir, QUOTA_FILE));
  } catch {
    return out;
  }
  const accounts = isRecord(raw) && isRecord(raw.accounts) ? raw.accounts : {};
  for (const [id, entry] of Object.entries(accounts)) {
    const q = quotaFrom(entry);
    if (q) out.set(id, q);
  }
  return out;
}

const newer = (a: AccountQuota, b: AccountQuota) => Math.max(a.readAt ?? 0, a.readErrorAt ?? 0) >= Math.max(b.readAt ?? 0, b.readErrorAt ?? 0);

/** `quotas` merged with the file: an account's entry from the file wins when it is newer. */
function mergedWithFile(dataDir: string, quotas: ReadonlyMap<string, AccountQuota>, keep: (id: string) => boolean): Map<string, AccountQuota> {
  const merged = new Map<string, AccountQuota>();
  const onDisk = readQuotaFile(dataDir);
  for (const [id, q] of quotas) {
    const disk = onDisk.get(id);
    merged.set(id, disk && !newer(q, disk) ? disk : q);
  }
  for (const [id, q] of onDisk) if (!merged.has(id) && keep(id)) merged.set(id, q);
  return merged;
}

const fileBody = (merged: ReadonlyMap<string, AccountQuota>) => ({ version: VERSION, accounts: Object.fromEntries(merged) });

/** Writes `quotas`, keeping an account's entry from the file when the file's is newer. Returns what was written. */
export function writeQuotaFile(dataDir: string, quotas: ReadonlyMap<string, AccountQuota>, keep: (id: string) => boolean): Map<string, AccountQuota> {
  const merged = mergedWithFile(dataDir, quotas, keep);
  writeJsonAtomic(join(dataDir, QUOTA_FILE), fileBody(merged));
  return merged;
}

export interface QuotaFileWriter {
  /** Queues the figures; the write happens off the event loop, and saves made meanwhile are merged into one. */
  save(quotas: ReadonlyMap<string, AccountQuota>): void;
  /** Resolves once the last figures saved are on disk (called on stop, so quitting keeps them). */
  flush(): Promise<void>;
}

/**
 * The relay's writer: a usage read must never hold up a request, and an fsync on the main
 * thread did (several ms, tens under load). The shared coalescing writer: at most one write
 * runs; the newest figures queued while it runs are written next, older ones are dropped.
 */
export function createQuotaFileWriter(dataDir: string, keep: (id: string) => boolean, onError: (e: unknown) => void = () => {}): QuotaFileWriter {
  const writer = createCoalescingWriter<ReturnType<typeof fileBody>>({ path: join(dataDir, QUOTA_FILE), onError });
  return {
    save: (quotas) => writer.schedule(() => fileBody(mergedWithFile(dataDir, quotas, keep))),
    flush: () => writer.flush(),
  };
}
