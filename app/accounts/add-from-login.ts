// A login adds an account, or updates the one of the same Cursor user (see the naming
// decisions in registry.ts): secret first, then metadata, so a failure leaves the previous
// state, not half an account.
import type { Clock } from "../base/clock.ts";
import { RelayError } from "../base/errors.ts";
import type { Logger } from "../base/log.ts";
import type { Secrets, SecretStore } from "./secret-store.ts";
import { displayLabelFor, identify, normalizeLabel } from "./identity.ts";
import { toInfo, type AccountEntries, type StoredAccount } from "./account-entries.ts";
import type { TokenRefresher } from "./token-refresher.ts";
import type { AccountChange, AccountInfo } from "./registry.ts";

export interface LoginTarget {
  entries: AccountEntries;
  secrets: SecretStore;
  tokens: TokenRefresher;
  clock: Clock;
  log: Logger;
  emit(change: AccountChange): void;
}

export async function addFromLogin(target: LoginTarget, loginTokens: Secrets, rawLabel: string | null): Promise<AccountInfo> {
  const { entries, secrets, tokens, clock, log, emit } = target;
  const { readAll, writeAll } = entries;
  const label = normalizeLabel(rawLabel);
  const now = clock.now();
  const ident = identify(loginTokens.accessToken, label, now);
  const all = readAll();
  const sameSub = ident.sub === null ? [] : Object.keys(all).filter((id) => all[id]!.sub === ident.sub);
  const targetId = label === null ? (sameSub[0] ?? ident.accountId) : ident.accountId;
  const atTarget = all[targetId];
  if (atTarget && atTarget.sub !== null && ident.sub !== null && atTarget.sub !== ident.sub) {
    throw new RelayError({
      kind: "invalid_request",
      status: 409,
      message:
        `the account id ${targetId} already belongs to another Cursor user (${displayLabelFor(atTarget.label, atTarget.subHash)}); ` +
        `log in with a different --label, or remove ${targetId} first`,
    });
  }
  const replaced = sameSub.filter((id) => id !== targetId);
  const previous = atTarget ?? (replaced[0] === undefined ? undefined : all[replaced[0]]);
  const stored: StoredAccount = {
    label: label ?? atTarget?.label ?? null,
    sub: ident.sub,
    subHash: ident.subHash,
    expiresAt: ident.expiresAt,
    addedAt: previous?.addedAt ?? now,
    updatedAt: now,
    lastRefreshAt: null,
    authExpiredAt: null,
    authExpiredReason: null,
    credentialsMissing: false,
  };

  // Secret first, then metadata; undo the secret if the metadata cannot be written,
  // so a failure leaves the previous state, not half an account.
  const oldSecret = atTarget ? await secrets.get(targetId).catch(() => null) : null;
  await secrets.set(targetId, loginTokens);
  try {
    const fresh = readAll();
    for (const id of replaced) delete fresh[id];
    fresh[targetId] = stored;
    writeAll(fresh);
  } catch (e) {
    await (oldSecret ? secrets.set(targetId, oldSecret) : secrets.delete(targetId)).catch(() => undefined);
    throw e;
  }
  tokens.drop(targetId); // a new login: no retry count, no cached token of the old one
  tokens.remember(targetId, loginTokens);
  for (const id of replaced) {
    tokens.drop(id);
    await secrets.delete(id).catch((e: unknown) => log.warn("could not delete the replaced account's secret", { account: id, error: e }));
  }
  tokens.schedule(targetId);
  log.info(atTarget || replaced.length > 0 ? "account updated by login" : "account added", {
    account: targetId,
    ...(replaced.length > 0 ? { replaced } : {}),
  });
  emit({ type: atTarget || replaced.length > 0 ? "updated" : "added", accountId: targetId, replaced });
  return toInfo(targetId, stored);
}
