// Quota settings under `quota` in settings.json:
//   pollMinutes  how often each account's usage figures are read (default 5, at least 1)
//   routing      "headroom" (default: the ready account with the most room in the model's pool)
//                or "round-robin" (least recently picked first)
// A malformed value is named in a warning and ignored.
import type { SettingsStore } from "../accounts/settings-store.ts";
import type { RoutingPolicyName } from "../base/quota.ts";
import { readSettingsSection } from "./settings-section.ts";

export const QUOTA_SETTINGS_KEY = "quota";

export interface QuotaSettings {
  pollMs?: number;
  routing: RoutingPolicyName;
}

export function readQuotaSettings(settings: SettingsStore, warn: (message: string) => void): QuotaSettings {
  const out: QuotaSettings = { routing: "headroom" };
  const section = readSettingsSection(settings, QUOTA_SETTINGS_KEY, ["pollMinutes", "routing"], warn);
  const minutes = section.pollMinutes;
  if (minutes !== undefined) {
    if (typeof minutes === "number" && Number.isFinite(minutes) && minutes >= 1) out.pollMs = Math.round(minutes * 60_000);
    else warn(`settings.json: "${QUOTA_SETTINGS_KEY}.pollMinutes" must be a number of minutes, at least 1; ignoring ${JSON.stringify(minutes)}`);
  }
  const routing = section.routing;
  if (routing !== undefined) {
    if (routing === "headroom" || routing === "round-robin") out.routing = routing;
    else warn(`settings.json: "${QUOTA_SETTINGS_KEY}.routing" must be "headroom" or "round-robin"; ignoring ${JSON.stringify(routing)}`);
  }
  return out;
}
