// Every ControlApi action as data: its IPC channel, its HTTP route under
// /v0/management/, the one input object both transports carry, and the validator that
// turns an unknown value into that input. Adding an action means adding one entry here.
// Plain TypeScript with no Node or DOM dependency: the renderer bundles it too.
import type { ClientSetupOptions, ControlApi } from "./control-api.ts";
import { booleanField, chain, fields, idField, idInput, labelField, noInput, ok, type Parsed } from "./control-fields.ts";

export type ControlActionName = Exclude<keyof ControlApi, "subscribe">;
export type HttpMethod = "GET" | "POST" | "PATCH" | "DELETE";

export interface ActionSpec<K extends ControlActionName, I extends object> {
  name: K;
  channel: string;
  method: HttpMethod;
  /** Path under /v0/management/; `:field` segments carry that input field. */
  path: string;
  /** 200 with the result as JSON, or 204 for actions that return nothing. */
  status: 200 | 204;
  /** The ControlApi's positional arguments → the one input object on the wire. */
  toInput(...args: Parameters<ControlApi[K]>): I;
  /** Validates an input object from the wire. */
  parse(input: unknown): Parsed<I>;
  /** Calls the ControlApi with a validated input. */
  invoke(api: ControlApi, input: I): ReturnType<ControlApi[K]>;
}

function action<K extends ControlActionName, I extends object>(spec: Omit<ActionSpec<K, I>, "channel">): ActionSpec<K, I> {
  return { ...spec, channel: `cursor-relay:${spec.name}` };
}

/** An action that takes no input: only `{}` travels, and the ControlApi is called with no argument. */
function bare<K extends ControlActionName>(name: K, method: HttpMethod, path: string, status: 200 | 204): ActionSpec<K, Record<string, never>> {
  return action({ name, method, path, status, toInput: () => ({}), parse: noInput, invoke: (api) => (api[name] as () => ReturnType<ControlApi[K]>)() });
}

export const controlActions = {
  getSnapshot: bare("getSnapshot", "GET", "snapshot", 200),
  setProxyRunning: action({
    name: "setProxyRunning",
    method: "POST",
    path: "proxy",
    status: 204,
    toInput: (running: boolean) => ({ running }),
    parse: (input) => chain(fields(input, ["running"]), (f) => chain(booleanField(f, "running"), (running) => ok({ running }))),
    invoke: (api, { running }) => api.setProxyRunning(running),
  }),
  startLogin: action({
    name: "startLogin",
    method: "POST",
    path: "logins",
    status: 200,
    toInput: (label: string | null) => ({ label }),
    // Optional label: null, absent or blank all mean "no label".
    parse: (input) =>
      chain(fields(input, ["label"]), (f) => {
        if (f.label === undefined || f.label === null) return ok({ label: null as string | null });
        return chain(labelField(f, "label"), (l) => ok({ label: l === "" ? null : l }));
      }),
    invoke: (api, { label }) => api.startLogin(label),
  }),
  cancelLogin: action({
    name: "cancelLogin",
    method: "DELETE",
    path: "logins/:handle",
    status: 204,
    toInput: (handle: string) => ({ handle }),
    parse: idInput("handle"),
    invoke: (api, { handle }) => api.cancelLogin(handle),
  }),
  removeAccount: action({
    name: "removeAccount",
    method: "DELETE",
    path: "accounts/:id",
    status: 204,
    toInput: (id: string) => ({ id }),
    parse: idInput("id"),
    invoke: (api, { id }) => api.removeAccount(id),
  }),
  renameAccount: action({
    name: "renameAccount",
    method: "PATCH",
    path: "accounts/:id",
    status: 204,
    toInput: (id: string, label: string) => ({ id, label }),
    parse: (input) =>
      chain(fields(input, ["id", "label"]), (f) =>
        chain(idField(f, "id"), (id) => chain(labelField(f, "label"), (label) => ok({ id, label }))),
      ),
    invoke: (api, { id, label }) => api.renameAccount(id, label),
  }),
  resetCooldown: action({
    name: "resetCooldown",
    method: "POST",
    path: "accounts/:id/reset",
    status: 204,
    toInput: (id: string) => ({ id }),
    parse: idInput("id"),
    invoke: (api, { id }) => api.resetCooldown(id),
  }),
  regenerateRelayKey: bare("regenerateRelayKey", "POST", "relay-key/regenerate", 204),
  revealRelayKey: bare("revealRelayKey", "POST", "relay-key/reveal", 200), // a POST, so no cache or prefetch ever holds the key
  getClientSetup: action({
    name: "getClientSetup",
    method: "GET",
    path: "client-setup",
    status: 200,
    toInput: (options?: ClientSetupOptions) => ({ revealKey: options?.revealKey === true }),
    parse: (input) =>
      chain(fields(input, ["revealKey"]), (f) =>
        f.revealKey === undefined ? ok({ revealKey: false }) : chain(booleanField(f, "revealKey"), (revealKey) => ok({ revealKey })),
      ),
    invoke: (api, { revealKey }) => api.getClientSetup({ revealKey }),
  }),
  configureClaudeCode: bare("configureClaudeCode", "POST", "claude-code/configure", 200),
  undoConfigureClaudeCode: bare("undoConfigureClaudeCode", "POST", "claude-code/undo", 204),
  runSelfTest: bare("runSelfTest", "POST", "self-test", 200),
  configureCodex: bare("configureCodex", "POST", "codex/configure", 200),
  undoConfigureCodex: bare("undoConfigureCodex", "POST", "codex/undo", 204),
  refreshQuota: action({
    name: "refreshQuota",
    method: "POST",
    path: "quota/refresh",
    status: 204,
    toInput: (id: string | null) => ({ id }),
    // Optional id: null or absent = every account.
    parse: (input) =>
      chain(fields(input, ["id"]), (f) => (f.id === undefined || f.id === null ? ok({ id: null as string | null }) : chain(idField(f, "id"), (id) => ok({ id: id as string | null })))),
    invoke: (api, { id }) => api.refreshQuota(id),
  }),
} satisfies { [K in ControlActionName]: ActionSpec<K, object> };

export type ControlActions = typeof controlActions;
export type ActionInput<K extends ControlActionName> = ControlActions[K] extends ActionSpec<K, infer I> ? I : never;

export const controlActionNames = Object.keys(controlActions) as ControlActionName[];

// Each spec is typed by its own K; this view erases K for code that loops over all of them.
export function specOf(name: ControlActionName): ActionSpec<ControlActionName, object> {
  return controlActions[name] as unknown as ActionSpec<ControlActionName, object>;
}
