// The rotation's records and their keeping: loaded from `<dataDir>/state.json`, written
// back by the state writer (only listed accounts are kept), one cooldown timer each, and
// moved or dropped when the account list changes.
import { join } from "node:path";
import type { Clock } from "../base/clock.ts";
import type { Logger } from "../base/log.ts";
import type { RotationAccount, RotationChangeType, RotationOptions } from "./rotation-api.ts";
import { clearCooldown, emptyRecord, loadStateFile, STATE_FILE, stateToJson, type AccountRecord } from "./rotation-state.ts";
import { createStateWriter } from "./state-writer.ts";
import { createCooldownTimers } from "./cooldown-timers.ts";

export interface RecordBookDeps {
  options: Pick<RotationOptions, "dataDir" | "persistDebounceMs" | "stateFiles">;
  clock: Clock;
  log: Logger;
  listAccounts(): RotationAccount[];
  emit(type: RotationChangeType, accountId: string): void;
  /** A record went away (the picker forgets the account too). */
  onDrop(id: string): void;
}

export function createRecordBook(deps: RecordBookDeps) {
  const { options, clock, log, listAccounts, emit } = deps;
  const path = join(options.dataDir, STATE_FILE);
  const loaded = loadStateFile(path, clock.now(), log);
  const records = loaded.accounts;

  const record = (id: string): AccountRecord => {
    let r = records.get(id);
    if (!r) records.set(id, (r = emptyRecord()));
    return r;
  };

  const writer = createStateWriter({
    path,
    clock,
    log,
    debounceMs: Math.max(0, options.persistDebounceMs ?? 1000),
    ...(options.stateFiles ? { files: options.stateFiles } : {}),
    content() {
      dropUnlisted();
      return stateToJson(records, loaded.extra, clock.now());
    },
  });

  /** Only listed accounts are kept: a late report for a removed account leaves no ghost. */
  function dropUnlisted() {
    try {
      // An empty list is not trusted for this (an unreadable settings file must not wipe usage).
      const listed = new Set(listAccounts().map((a) => a.id));
      if (listed.size > 0) for (const id of [...records.keys()]) if (!listed.has(id)) dropRecord(id);
    } catch (e) {
      log.debug("could not list accounts before writing the state; keeping every entry", { error: e });
    }
  }

  const timers = createCooldownTimers(clock, (id, until) => {
    const r = records.get(id);
    if (!r || r.cooldownUntil !== until) return;
    clearCooldown(r);
    writer.schedule();
    log.info("account cooldown over; back in rotation", { account: id });
    emit("cooldown_ended", id);
  });
  const armTimer = (id: string) => {
    const until = records.get(id)?.cooldownUntil;
    if (until !== null && until !== undefined) timers.schedule(id, until);
  };

  function dropRecord(id: string): boolean {
    timers.cancel(id);
    deps.onDrop(id);
    return records.delete(id);
  }

  function forget(id: string) {
    if (!dropRecord(id)) return;
    writer.schedule();
    emit("forgotten", id);
  }

  /** The same Cursor user moved to another id (re-login with a label): its limits and usage follow it. */
  const moveRecord = (from: string, to: string) => {
    const r = records.get(from);
    if (!r) return;
    dropRecord(from);
    if (!records.has(to)) {
      records.set(to, r);
      armTimer(to);
    }
    writer.schedule();
    emit("forgotten", from);
  };


  return { records, record, writer, timers, armTimer, dropRecord, forget, moveRecord };
}

export type RecordBook = ReturnType<typeof createRecordBook>;
