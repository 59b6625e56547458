// Per-account checks: the token (expiry; refreshed first when it is near) and a live
// GetUsableModels call made directly on the Cursor transport, so a failure shows as one
// (the relay's cached model list would quietly fall back to its built-in list).
import { createContextValues } from "@connectrpc/connect";
import { REFRESH_LEAD_MS, type AccountRegistry } from "../accounts/registry.ts";
import type { Clock } from "../base/clock.ts";
import { classifyCursorError } from "../cursor/error-classification.ts";
import { modelsFromResponse } from "../cursor/models.ts";
import { ACCESS_TOKEN, type CursorTransport } from "../cursor/transport.ts";
import { BUG_REPORT, errorText, fail, pass, RELOGIN, type CheckOutcome } from "./check.ts";

function inWords(ms: number): string {
  const min = Math.round(Math.abs(ms) / 60_000);
  const text = min >= 120 ? `${Math.round(min / 60)} h` : `${min} min`;
  return ms >= 0 ? `in ${text}` : `${text} ago`;
}

export async function checkToken(
  registry: AccountRegistry,
  id: string,
  clock: Clock,
): Promise<{ outcome: CheckOutcome; token: string | null }> {
  const info = registry.require(id);
  if (info.authExpired) {
    return { outcome: fail(`Cursor refused this account's token: ${info.authExpiredReason ?? "auth expired"}`, RELOGIN), token: null };
  }
  let refreshed = false;
  const left = info.tokenExpiresAt - clock.now();
  if (left < REFRESH_LEAD_MS) {
    try {
      await registry.refreshNow(id);
      refreshed = true;
    } catch (e) {
      const state = left <= 0 ? `expired ${inWords(left)}` : `expires ${inWords(left)}`;
      return { outcome: fail(`the token ${state} and the refresh failed: ${errorText(e)}`, RELOGIN), token: null };
    }
  }
  const token = await registry.getAccessToken(id);
  const now = registry.require(id).tokenExpiresAt;
  const when = new Date(now).toISOString();
  return { outcome: pass(`${refreshed ? "refreshed; " : ""}valid until ${when} (${inWords(now - clock.now())})`), token };
}

export async function checkModels(
  transport: CursorTransport,
  token: string,
  clock: Clock,
  timeoutMs: number,
): Promise<{ outcome: CheckOutcome; modelIds: string[] }> {
  try {
    const res = await transport.client.getUsableModels({}, { contextValues: createContextValues().set(ACCESS_TOKEN, token), timeoutMs });
    const ids = modelsFromResponse(res).map((m) => m.id);
    if (ids.length === 0) return { outcome: fail("GetUsableModels answered an empty list", "check the account's plan on cursor.com"), modelIds: [] };
    return { outcome: pass(`${ids.length} models (${ids.slice(0, 3).join(", ")}${ids.length > 3 ? ", …" : ""})`), modelIds: ids };
  } catch (e) {
    const err = classifyCursorError(e, clock.now());
    const next =
      err.kind === "upstream_auth"
        ? RELOGIN
        : `Cursor's service or the network failed; try again in a few minutes, and ${BUG_REPORT} if it persists`;
    return { outcome: fail(`GetUsableModels failed: ${err.message}`, next), modelIds: [] };
  }
}
