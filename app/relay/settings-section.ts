// One section of settings.json the relay reads (`quota`, `cursor`): absent → empty; not an
// object → ignored with a warning; each key the section does not know is named in a warning.
import type { SettingsStore } from "../accounts/settings-store.ts";

export function readSettingsSection(settings: SettingsStore, key: string, known: readonly string[], warn: (message: string) => void): Record<string, unknown> {
  const raw = settings.get(key);
  if (raw === undefined) return {};
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    warn(`settings.json: "${key}" must be an object; ignoring it`);
    return {};
  }
  const section = raw as Record<string, unknown>;
  for (const name of Object.keys(section)) if (!known.includes(name)) warn(`settings.json: "${key}.${name}" is not a known setting; ignoring it`);
  return section;
}
