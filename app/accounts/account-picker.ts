// Routing: which ready account serves the next turn. Round-robin (least recently picked
// first) over ready accounts, or the most quota headroom when the request's pool says so;
// `prefer` wins when it is ready. Asking (`whyNoneReady`) never moves the round-robin.
import { RelayError } from "../base/errors.ts";
import type { AccountStatus } from "./status-source.ts";
import type { QuotaGate } from "./quota-routing.ts";
import { unavailableError } from "./unavailable-accounts.ts";

/** What the picker needs to know about an account (AccountInfo from the registry fits). */
export interface PickableAccount {
  id: string;
  authExpired: boolean;
}

export interface PickOptions {
  exclude?: ReadonlySet<string>;
  prefer?: string | undefined;
  /** The request's pool as Cursor's figures see it: used-up accounts are skipped, headroom ranks the rest. */
  quota?: QuotaGate | undefined;
}

/** What the picker reads from the cooldown side. */
export interface PickerCooldowns {
  isCooling(accountId: string, now: number): boolean;
  disabledReason(accountId: string): string | null;
  statusOf(accountId: string, account: PickableAccount, now: number): AccountStatus;
}

export interface AccountPicker {
  /** The chosen id; throws the reason no account can serve (see `candidatesOrThrow`). */
  pick(accounts: readonly PickableAccount[], options: PickOptions, now: number): string;
  /** The answer pick would throw now, without picking; null when an account is ready. */
  whyNoneReady(accounts: readonly PickableAccount[], options: PickOptions, now: number): RelayError | null;
  forget(accountId: string): void;
}

const noAccounts = (message: string) => new RelayError({ kind: "no_accounts", status: 503, message, retryable: false });

export function createAccountPicker(cooldowns: PickerCooldowns): AccountPicker {
  const lastPicked = new Map<string, number>();
  let pickSeq = 0;

  /** The ready candidates, or throws: each account with its own reason, 429 only when every wait is about quota. */
  function readyOrThrow(all: readonly PickableAccount[], opts: PickOptions, now: number): PickableAccount[] {
    const exclude = opts.exclude ?? new Set<string>();
    if (all.length === 0) throw noAccounts("no Cursor account: run `cursor-relay login`");
    const usable = all.filter((a) => !a.authExpired && cooldowns.disabledReason(a.id) === null);
    const candidates = usable.filter((a) => !exclude.has(a.id));
    if (usable.length > 0 && candidates.length === 0) throw noAccounts("every usable Cursor account already failed this request");
    const gate = opts.quota;
    // Skipped without opening a Run: Cursor's own figures say this pool has no room there.
    const usedUp = new Set(gate ? candidates.filter((a) => gate.usedUp(a.id)).map((a) => a.id) : []);
    const ready = candidates.filter((a) => !cooldowns.isCooling(a.id, now) && !usedUp.has(a.id));
    if (ready.length > 0) return ready;
    if (gate && usedUp.size > 0 && usedUp.size === candidates.length) {
      throw gate.exhausted([...usedUp], candidates.filter((a) => !cooldowns.isCooling(a.id, now)).map((a) => a.id));
    }
    throw unavailableError(
      all.map((a) => ({ id: a.id, ...cooldowns.statusOf(a.id, a, now), ...(usedUp.has(a.id) && gate ? { poolUsedUp: gate.pool } : {}) })),
      new Set(candidates.filter((a) => !usedUp.has(a.id)).map((a) => a.id)),
      now,
    );
  }

  function choose(ready: readonly PickableAccount[], opts: PickOptions): PickableAccount {
    const preferred = opts.prefer === undefined ? undefined : ready.find((a) => a.id === opts.prefer);
    if (preferred) return preferred;
    const gate = opts.quota;
    const older = (a: PickableAccount, b: PickableAccount) => (lastPicked.get(a.id) ?? -1) < (lastPicked.get(b.id) ?? -1);
    let chosen = ready[0]!;
    for (const a of ready) {
      if (gate?.policy === "headroom") {
        const [ha, hc] = [gate.headroom(a.id), gate.headroom(chosen.id)];
        if (ha > hc || (ha === hc && older(a, chosen))) chosen = a;
      } else if (older(a, chosen)) chosen = a;
    }
    return chosen;
  }

  return {
    pick(accounts, opts, now) {
      const chosen = choose(readyOrThrow(accounts, opts, now), opts);
      lastPicked.set(chosen.id, ++pickSeq);
      return chosen.id;
    },
    whyNoneReady(accounts, opts, now) {
      try {
        readyOrThrow(accounts, opts, now);
        return null;
      } catch (e) {
        if (e instanceof RelayError) return e;
        throw e;
      }
    },
    forget: (id) => void lastPicked.delete(id),
  };
}
