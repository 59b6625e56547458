// The first-thread table of ThreadIds in <dataDir>/threads.json (0600, atomic), so after
// a restart a conversation's main thread still owns its id and persisted checkpoint.
// It holds conversation ids and 16-hex fingerprints of first user messages, no text.
// Saved after a short debounce when a conversation is added (off the event loop);
// close() saves what is due.
import type { Clock } from "../base/clock.ts";
import { createCoalescingWriter } from "../base/coalescing-writer.ts";
import { readJson } from "../base/json-file.ts";
import type { Logger } from "../base/log.ts";
import { createThreadIds, type ThreadIds } from "./threads.ts";

const FINGERPRINT = /^[0-9a-f]{16}$/;

export interface PersistentThreadIds {
  threads: ThreadIds;
  /** Resolves once what is due is on disk. */
  flush(): Promise<void>;
  /** Writes what is due (synchronously) and stops. */
  close(): void;
}

function readThreadsFile(path: string, logger: Logger | undefined): [string, string][] {
  try {
    const raw = readJson(path);
    if (!Array.isArray(raw)) return [];
    return raw.filter(
      (e): e is [string, string] => Array.isArray(e) && e.length === 2 && typeof e[0] === "string" && typeof e[1] === "string" && FINGERPRINT.test(e[1]),
    );
  } catch (e) {
    logger?.warn("ignoring an unreadable threads file", { error: (e as Error).message });
    return [];
  }
}

export function openThreadIds(options: { path: string; clock: Clock; logger?: Logger; debounceMs?: number; maxEntries?: number }): PersistentThreadIds {
  const { path, clock, logger } = options;
  const writer = createCoalescingWriter<[string, string][]>({
    path,
    clock,
    debounceMs: options.debounceMs ?? 1000,
    onError: (e) => logger?.warn("could not write the threads file", { error: (e as Error).message }),
  });
  const threads = createThreadIds(options.maxEntries, {
    initial: readThreadsFile(path, logger),
    onAdded: () => writer.schedule(() => threads.entries()),
  });
  return { threads, flush: () => writer.flush(), close: () => writer.stop() };
}
