// The user's model map: client model names (exact, or `*` patterns such as
// `claude-opus-*`) → Cursor model ids, kept under `modelMap` in settings.json. It wins
// over the built-in mapping (app/cursor/models.ts). A malformed entry is skipped with a
// warning rather than stopping the relay.
import type { SettingsStore } from "../accounts/settings-store.ts";

export const MODEL_MAP_KEY = "modelMap";

export function readModelMap(settings: SettingsStore, warn: (message: string) => void): Record<string, string> {
  const raw = settings.get(MODEL_MAP_KEY);
  if (raw === undefined) return {};
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    warn(`settings.json: "${MODEL_MAP_KEY}" must be an object of client model name → Cursor model id; ignoring it`);
    return {};
  }
  const out: Record<string, string> = {};
  for (const [from, to] of Object.entries(raw as Record<string, unknown>)) {
    if (typeof to === "string" && to.trim() !== "" && from.trim() !== "") out[from.trim()] = to.trim();
    else warn(`settings.json: "${MODEL_MAP_KEY}.${from}" must be a non-empty Cursor model id; ignoring it`);
  }
  return out;
}
