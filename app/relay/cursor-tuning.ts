// Cursor client settings a user may change without a new release, under `cursor` in
// settings.json or in the environment (the environment wins):
//   clientVersion               CURSOR_RELAY_CLIENT_VERSION                  x-cursor-client-version sent to Cursor
//   stallTimeoutSeconds         CURSOR_RELAY_STALL_TIMEOUT_SECONDS           no frame at all for this long ends a turn (default 90)
//   heartbeatOnlyTimeoutSeconds CURSOR_RELAY_HEARTBEAT_ONLY_TIMEOUT_SECONDS  only heartbeats for this long ends a turn (default: off)
// A malformed value is named in a warning and ignored.
import type { SettingsStore } from "../accounts/settings-store.ts";
import type { CursorClientOptions } from "../cursor/client.ts";
import { CLIENT_VERSION_PATTERN } from "../cursor/transport.ts";
import { readSettingsSection } from "./settings-section.ts";

export const CURSOR_TUNING_KEY = "cursor";

export type CursorTuning = Pick<CursorClientOptions, "clientVersion" | "stallTimeoutMs" | "progressTimeoutMs">;

/** Printable ASCII without spaces: what an HTTP header value can carry as is. */
const HEADER_SAFE = /^[\x21-\x7e]{1,100}$/;

interface Field {
  setting: string;
  env: string;
  apply(value: unknown, out: CursorTuning, where: string, warn: (m: string) => void): void;
}

function seconds(key: "stallTimeoutMs" | "progressTimeoutMs", allowOff: boolean) {
  return (value: unknown, out: CursorTuning, where: string, warn: (m: string) => void) => {
    const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
    if (typeof n !== "number" || !Number.isFinite(n) || n < 0 || (n === 0 && !allowOff)) {
      warn(`${where} must be a number of seconds${allowOff ? " (0 = off)" : " above 0"}; ignoring ${JSON.stringify(value)}`);
      return;
    }
    if (n === 0) delete out[key];
    else out[key] = Math.round(n * 1000);
  };
}

const FIELDS: Field[] = [
  {
    setting: "clientVersion",
    env: "CURSOR_RELAY_CLIENT_VERSION",
    apply(value, out, where, warn) {
      if (typeof value !== "string" || !HEADER_SAFE.test(value.trim())) {
        warn(`${where} must be a client version such as cli-2026.02.13-41ac335; ignoring it`);
        return;
      }
      const v = value.trim();
      if (!CLIENT_VERSION_PATTERN.test(v)) warn(`${where} ${JSON.stringify(v)} does not look like cli-YYYY.MM.DD-<7 hex>; sending it anyway`);
      out.clientVersion = v;
    },
  },
  { setting: "stallTimeoutSeconds", env: "CURSOR_RELAY_STALL_TIMEOUT_SECONDS", apply: seconds("stallTimeoutMs", false) },
  { setting: "heartbeatOnlyTimeoutSeconds", env: "CURSOR_RELAY_HEARTBEAT_ONLY_TIMEOUT_SECONDS", apply: seconds("progressTimeoutMs", true) },
];

export function readCursorTuning(settings: SettingsStore, env: NodeJS.ProcessEnv, warn: (message: string) => void): CursorTuning {
  const out: CursorTuning = {};
  const section = readSettingsSection(settings, CURSOR_TUNING_KEY, FIELDS.map((f) => f.setting), warn);
  for (const f of FIELDS) {
    if (section[f.setting] !== undefined) f.apply(section[f.setting], out, `settings.json: "${CURSOR_TUNING_KEY}.${f.setting}"`, warn);
    const fromEnv = env[f.env];
    if (fromEnv !== undefined && fromEnv !== "") f.apply(fromEnv, out, f.env, warn);
  }
  return out;
}
