// The running relay named by <dataDir>/relay.json, if any: it answers, accepts the
// relay key, and has its proxy switched on. count_tokens is used because it checks the
// key and the switch like a chat request does but never reaches Cursor.
import { readRuntimeInfo } from "../base/runtime-file.ts";
import { BUG_REPORT, errorText, fail, pass, skip, type CheckOutcome } from "./check.ts";

export interface RelayCheckOptions {
  dataDir: string;
  /** The key clients use (from the secret store or CURSOR_RELAY_API_KEY); null when unknown. */
  relayKey: string | null;
  timeoutMs?: number;
}

export async function checkRunningRelay(options: RelayCheckOptions): Promise<CheckOutcome> {
  const info = readRuntimeInfo(options.dataDir);
  if (!info) return skip("no relay is running on this data folder (relay.json absent or stale)");
  const signal = AbortSignal.timeout(options.timeoutMs ?? 5000);
  try {
    const root = await fetch(`${info.url}/`, { signal });
    await root.arrayBuffer();
    if (!root.ok) return fail(`${info.url} answered ${root.status}`, "restart the relay (`cursor-relay serve` or the tray app)");
  } catch (e) {
    return fail(`${info.url} (pid ${info.pid}) does not answer: ${errorText(e)}`, "restart the relay (`cursor-relay serve` or the tray app)");
  }
  if (options.relayKey === null) {
    return fail(`${info.url} answers, but no relay key is stored to test it with`, "run `cursor-relay env` (it shows the key clients use), or set CURSOR_RELAY_API_KEY to the key the relay was started with");
  }
  const res = await fetch(`${info.url}/v1/messages/count_tokens`, {
    method: "POST",
    signal,
    headers: { "content-type": "application/json", "x-api-key": options.relayKey },
    body: JSON.stringify({ model: "claude-sonnet-4-5", messages: [{ role: "user", content: "ping" }] }),
  });
  await res.arrayBuffer();
  if (res.status === 401) {
    return fail(`${info.url} refuses the stored relay key`, "the relay was started with another key (--api-key / CURSOR_RELAY_API_KEY); run `cursor-relay env` against it, or restart it without --api-key");
  }
  if (res.status === 503) return fail(`${info.url} answers, but its proxy is switched off`, "turn the proxy on in the tray menu or the dashboard");
  if (!res.ok) return fail(`${info.url} answered ${res.status} to a key check`, `restart the relay; ${BUG_REPORT} if it persists`);
  return pass(`${info.url} (pid ${info.pid}): reachable, key valid, proxy on`);
}
