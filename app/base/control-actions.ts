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

export const controlActions = {
  getSnapshot: action({
    name: "getSnapshot",
    method: "GET",
    path: "snapshot",
    status: 200,
    toInput: () => ({}),
    parse: noInput,
    invoke: (api) => api.getSnapshot(),
  }),
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
  regenerateRelayKey: action({
    name: "regenerateRelayKey",
    method: "POST",
    path: "relay-key/regenerate",
    status: 204,
    toInput: () => ({}),
    parse: noInput,
    invoke: (api) => api.regenerateRelayKey(),
  }),
  revealRelayKey: action({
    name: "revealRelayKey",
    method: "POST", // a POST, so no cache or prefetch ever holds the key
    path: "relay-key/reveal",
    status: 200,
    toInput: () => ({}),
    parse: noInput,
    invoke: (api) => api.revealRelayKey(),
  }),
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
  configureClaudeCode: action({
    name: "configureClaudeCode",
    method: "POST",
    path: "claude-code/configure",
    status: 200,
    toInput: () => ({}),
    parse: noInput,
    invoke: (api) => api.configureClaudeCode(),
  }),
  undoConfigureClaudeCode: action({
    name: "undoConfigureClaudeCode",
    method: "POST",
    path: "claude-code/undo",
    status: 204,
    toInput: () => ({}),
    parse: noInput,
    invoke: (api) => api.undoConfigureClaudeCode(),
  }),
  runSelfTest: action({
    name: "runSelfTest",
    method: "POST",
    path: "self-test",
    status: 200,
    toInput: () => ({}),
    parse: noInput,
    invoke: (api) => api.runSelfTest(),
  }),
  configureCodex: action({
    name: "configureCodex",
    method: "POST",
    path: "codex/configure",
    status: 200,
    toInput: () => ({}),
    parse: noInput,
    invoke: (api) => api.configureCodex(),
  }),
  undoConfigureCodex: action({
    name: "undoConfigureCodex",
    method: "POST",
    path: "codex/undo",
    status: 204,
    toInput: () => ({}),
    parse: noInput,
    invoke: (api) => api.undoConfigureCodex(),
  }),
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
