// The control contract: the one way every face runs a ControlApi action. The Electron
// IPC layer, the preload bridge, the management HTTP handler, the CLI and the renderer's
// HTTP client all import it from here, so a bad argument gets the same error everywhere.
// Its parts: the action table (control-actions.ts), the field validators
// (control-fields.ts), the HTTP mapping (control-http.ts) and the IPC channels
// (control-ipc.ts).
//
// Plain TypeScript with no Node or DOM dependency: the renderer bundles it too.
import type { ControlApi } from "./control-api.ts";
import { controlActionNames, controlActions, specOf, type ActionInput, type ControlActionName } from "./control-actions.ts";
import { RelayError } from "./errors.ts";

export { controlActionNames, controlActions, type ActionInput, type ActionSpec, type ControlActionName, type ControlActions, type HttpMethod } from "./control-actions.ts";
export { LABEL_PATTERN, LABEL_RULE, type Parsed } from "./control-fields.ts";
export { EVENTS_PATH, MANAGEMENT_PREFIX, SNAPSHOT_EVENT, httpCallFor, httpInput, httpRequestInit, matchHttpRoute, readManagementReply, type HttpCall, type ManagementReply, type ManagementRoute } from "./control-http.ts";
export { IPC_SNAPSHOT, IPC_SUBSCRIBE, IPC_UNSUBSCRIBE, type IpcReply } from "./control-ipc.ts";

/** Every action of the ControlApi, each made by `act` (one transport's caller), in one place. */
export function bindControlActions(
  act: <K extends ControlActionName>(name: K) => (...args: Parameters<ControlApi[K]>) => ReturnType<ControlApi[K]>,
): Omit<ControlApi, "subscribe"> {
  return Object.fromEntries(controlActionNames.map((name) => [name, act(name)])) as Omit<ControlApi, "subscribe">;
}

export function isControlActionName(name: string): name is ControlActionName {
  return Object.prototype.hasOwnProperty.call(controlActions, name);
}

/** The invalid-argument error every face reports for a bad input. */
export function invalidArguments(name: ControlActionName, message: string): RelayError {
  return new RelayError({ kind: "invalid_request", status: 400, message: `${name}: ${message}` });
}

/** Validates an input for an action; throws the 400 RelayError when it is bad. */
export function parseActionInput<K extends ControlActionName>(name: K, input: unknown): ActionInput<K> {
  const parsed = specOf(name).parse(input);
  if (!parsed.ok) throw invalidArguments(name, parsed.error);
  return parsed.value as ActionInput<K>;
}

/** Validates then calls: the one way a transport runs an action. */
export async function callAction(api: ControlApi, name: ControlActionName, input: unknown): Promise<unknown> {
  const value = parseActionInput(name, input);
  return specOf(name).invoke(api, value);
}

/** Positional ControlApi arguments → the wire input (the bridge and the HTTP client use it). */
export function inputFromArgs<K extends ControlActionName>(name: K, args: Parameters<ControlApi[K]>): ActionInput<K> {
  const toInput = specOf(name).toInput as (...a: unknown[]) => object;
  return toInput(...(args as unknown[])) as ActionInput<K>;
}
