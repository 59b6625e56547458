// `cursor-relay accounts reset/remove` run while a relay runs edit state.json from another
// process. The conductor adopts those edits instead of overwriting them: it remembers what
// it last wrote (cooldown end, 403 reason per account) and the file's fingerprint, and when
// the file changed underneath, a cleared cooldown/reason becomes a reset and a missing
// entry a removal.
import { readJson } from "../core/json-file.ts";
import type { Logger } from "../core/log.ts";
import { fileFingerprint, type AccountRecord } from "./conductor-state.ts";

interface Written {
  cooldownUntil: number | null;
  disabledReason: string | null;
}

export interface ExternalEditsOptions {
  path: string;
  log: Logger;
  records: ReadonlyMap<string, AccountRecord>;
  onRemoved(accountId: string): void;
  onReset(accountId: string): void;
}

export interface ExternalEdits {
  /** Looks at the file and adopts another process's resets and removals. */
  adopt(): void;
  /** This process just wrote the file: remember what it holds. */
  remember(): void;
  forget(accountId: string): void;
}

export function createExternalEdits(options: ExternalEditsOptions): ExternalEdits {
  const { path, log, records } = options;
  let knownFingerprint = fileFingerprint(path);
  let written = new Map<string, Written>();
  const rememberWritten = () => {
    written = new Map([...records].map(([id, r]) => [id, { cooldownUntil: r.cooldownUntil, disabledReason: r.disabledReason }]));
  };
  rememberWritten();

  const readEntries = (): Record<string, Record<string, unknown> | undefined> | null => {
    let file: unknown;
    try {
      file = readJson(path);
    } catch {
      return null; // half-edited or corrupt: our next write replaces it
    }
    const entries = (file as { accounts?: unknown } | null)?.accounts;
    return typeof entries === "object" && entries !== null ? (entries as Record<string, Record<string, unknown> | undefined>) : null;
  };

  return {
    adopt() {
      const fp = fileFingerprint(path);
      if (fp === knownFingerprint) return;
      knownFingerprint = fp;
      if (fp === null) return;
      const entries = readEntries();
      if (entries === null) return;
      for (const [id, was] of written) {
        const r = records.get(id);
        if (!r) continue;
        const entry = entries[id];
        if (entry === undefined) {
          log.info("account state removed by another process; forgetting it", { account: id });
          options.onRemoved(id);
          continue;
        }
        const cooldownCleared = was.cooldownUntil !== null && entry.cooldownUntil == null && r.cooldownUntil === was.cooldownUntil;
        const disabledCleared = was.disabledReason !== null && entry.disabledReason == null && r.disabledReason === was.disabledReason;
        if (cooldownCleared || disabledCleared) {
          log.info("account reset by another process", { account: id });
          options.onReset(id);
        }
      }
      rememberWritten();
    },
    remember() {
      knownFingerprint = fileFingerprint(path);
      rememberWritten();
    },
    forget: (id) => void written.delete(id),
  };
}
