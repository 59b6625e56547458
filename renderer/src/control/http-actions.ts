// The ControlApi's actions over the management HTTP API: one request per action, its
// method, path and body made by the control contract from the action table, and the
// relay's JSON error turned back into a ControlError.
import type { ControlApi } from "../../../app/base/control-api.ts";
import { bindControlActions, httpCallFor, inputFromArgs, type ControlActionName } from "../../../app/base/control-contract.ts";
import { ControlError, errorMessage } from "./client.ts";

/** The part of fetch() we use (typed here so the file also checks against Node's types). */
export type FetchLike = (
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string | null; signal?: AbortSignal },
) => Promise<Response>;

/** Where and how the requests go. */
export interface HttpTransport {
  /** The relay's origin without a trailing slash. */
  base: string;
  /** The Authorization header when there is a key. */
  authHeaders(): Record<string, string>;
  fetch: FetchLike;
}

async function sendAction(transport: HttpTransport, name: ControlActionName, input: object): Promise<unknown> {
  const call = httpCallFor(name, input);
  const hasBody = call.body !== undefined && Object.keys(call.body).length > 0;
  let res: Response;
  try {
    res = await transport.fetch(transport.base + call.path, {
      method: call.method,
      headers: { ...transport.authHeaders(), ...(hasBody ? { "content-type": "application/json" } : {}) },
      body: hasBody ? JSON.stringify(call.body) : null,
    });
  } catch (e) {
    throw new ControlError("network", `cannot reach the relay (${errorMessage(e)})`);
  }
  return readReply(res);
}

/** 204 → undefined; a 2xx → its JSON; anything else → the relay's error as a ControlError. */
async function readReply(res: Response): Promise<unknown> {
  if (res.status === 204) return undefined;
  const text = await res.text();
  let body: unknown = undefined;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: reported below
  }
  if (res.ok) return body;
  const err = (body as { error?: { type?: unknown; message?: unknown } } | undefined)?.error;
  throw new ControlError(
    typeof err?.type === "string" ? err.type : "http",
    typeof err?.message === "string" ? err.message : `the relay answered ${res.status}`,
    res.status,
  );
}

/** Every action of the contract's table, each one HTTP request. */
export function createHttpActions(transport: HttpTransport): Omit<ControlApi, "subscribe"> {
  return bindControlActions(
    <K extends ControlActionName>(name: K) =>
      (...args: Parameters<ControlApi[K]>) =>
        sendAction(transport, name, inputFromArgs(name, args)) as ReturnType<ControlApi[K]>,
  );
}
