// The first-thread table of ThreadIds in <dataDir>/threads.json (0600, atomic), so after
// a restart a conversation's main thread still owns its id and persisted checkpoint.
// It holds conversation ids and 16-hex fingerprints of first user messages, no text.
// Saved after a short debounce when a conversation is added; close() saves what is due.
import type { Clock, TimerHandle } from "../base/clock.ts";
import { readJson, writeJsonAtomic } from "../base/json-file.ts";
import type { Logger } from "../base/log.ts";
import { createThreadIds, type ThreadIds } from "./threads.ts";

const FINGERPRINT = /^[0-9a-f]{16}$/;

export interface PersistentThreadIds {
  threads: ThreadIds;
  close(): void;
}

export function openThreadIds(options: { path: string; clock: Clock; logger?: Logger; debounceMs?: number; maxEntries?: number }): PersistentThreadIds {
  let initial: [string, string][] = [];
  try {
    const raw = readJson(options.path);
    if (Array.isArray(raw)) {
      initial = raw.filter(
        (e): e is [string, string] => Array.isArray(e) && e.length === 2 && typeof e[0] === "string" && typeof e[1] === "string" && FINGERPRINT.test(e[1]),
      );
    }
  } catch (e) {
    options.logger?.warn("ignoring an unreadable threads file", { error: (e as Error).message });
  }
  let timer: TimerHandle | null = null;
  const save = () => {
    timer?.cancel();
    timer = null;
    try {
      writeJsonAtomic(options.path, threads.entries());
    } catch (e) {
      options.logger?.warn("could not write the threads file", { error: (e as Error).message });
    }
  };
  const threads = createThreadIds(options.maxEntries, {
    initial,
    onAdded: () => {
      timer ??= options.clock.setTimeout(save, options.debounceMs ?? 1000);
    },
  });
  return {
    threads,
    close() {
      if (timer) save();
    },
  };
}
