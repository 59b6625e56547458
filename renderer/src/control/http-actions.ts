// The ControlApi's actions over the management HTTP API: one request per action, its
// method, path and body made by the control contract from the action table, and the
// relay's JSON error (read by the contract) turned back into a ControlError.
import type { ControlApi } from "../../../app/base/control-api.ts";
import { bindControlActions, httpCallFor, httpRequestInit, inputFromArgs, readManagementReply, type ControlActionName } from "../../../app/base/control-contract.ts";
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
  let res: Response;
  try {
    res = await transport.fetch(transport.base + call.path, httpRequestInit(call, transport.authHeaders()));
  } catch (e) {
    throw new ControlError("network", `cannot reach the relay (${errorMessage(e)})`);
  }
  const reply = await readManagementReply(res);
  if (reply.ok) return reply.value;
  throw new ControlError(reply.type ?? "http", reply.message ?? `the relay answered ${reply.status}`, reply.status);
}

/** Every action of the contract's table, each one HTTP request. */
export function createHttpActions(transport: HttpTransport): Omit<ControlApi, "subscribe"> {
  return bindControlActions(
    <K extends ControlActionName>(name: K) =>
      (...args: Parameters<ControlApi[K]>) =>
        sendAction(transport, name, inputFromArgs(name, args)) as ReturnType<ControlApi[K]>,
  );
}
