// Every ControlApi action as data: its IPC channel, its HTTP route under
// /v0/management/, the one input object both transports carry, and a validator that
// turns an unknown value into that typed input or a clear 400. The Electron IPC layer,
// the preload bridge, the management HTTP handler and the renderer's HTTP client all
// go through this file, so a bad argument gets the same error everywhere.
//
// Plain TypeScript with no Node or DOM dependency: the renderer bundles it too.
import type { ClientSetupOptions, ControlApi } from "./control-api.ts";
import { RelayError } from "./errors.ts";

export type ControlActionName = Exclude<keyof ControlApi, "subscribe">;
export type HttpMethod = "GET" | "POST" | "PATCH" | "DELETE";

export const MANAGEMENT_PREFIX = "/v0/management/";
/** GET /v0/management/events: Server-Sent Events, `event: snapshot`, data = Snapshot JSON. */
export const EVENTS_PATH = "events";
export const SNAPSHOT_EVENT = "snapshot";

/** IPC: renderer → main to start/stop the snapshot push; main → renderer with each snapshot. */
export const IPC_SUBSCRIBE = "cursor-relay:subscribe";
export const IPC_UNSUBSCRIBE = "cursor-relay:unsubscribe";
export const IPC_SNAPSHOT = "cursor-relay:snapshot";

/** What an IPC action handler answers (errors cannot cross the bridge with their fields). */
export type IpcReply = { ok: true; value: unknown } | { ok: false; error: { type: string; message: string } };

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

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

// ---- field validators -------------------------------------------------------------

type Fields = Record<string, unknown>;
const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(error: string): Parsed<T> => ({ ok: false, error });

/** The input must be a plain object with only the named fields. */
function fields(input: unknown, allowed: readonly string[]): Parsed<Fields> {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    return fail("arguments must be a JSON object");
  }
  const unknown = Object.keys(input).filter((k) => !allowed.includes(k));
  if (unknown.length > 0) {
    const expected = allowed.length > 0 ? `expected only ${allowed.map((a) => `\`${a}\``).join(", ")}` : "expected none";
    return fail(`unknown field${unknown.length > 1 ? "s" : ""} ${unknown.map((u) => `\`${u}\``).join(", ")} (${expected})`);
  }
  return ok(input as Fields);
}

// Control characters and lone surrogates never belong in ids or labels.
const CONTROL = /[\u0000-\u001f\u007f]/;
/** The same rule as the accounts layer's labels (app/accounts/identity.ts). */
export const LABEL_PATTERN = /^[\p{L}\p{N}][\p{L}\p{N} ._@+-]{0,63}$/u;
export const LABEL_RULE = "1-64 letters, digits, spaces or . _ @ + -, starting with a letter or digit";

function idField(f: Fields, name: string): Parsed<string> {
  const v = f[name];
  if (typeof v !== "string" || v.length === 0) return fail(`\`${name}\` must be a non-empty string`);
  // "." and ".." cannot travel as a URL path segment (URLs resolve them away, even encoded).
  if (v.length > 200 || CONTROL.test(v) || v === "." || v === "..") {
    return fail(`\`${name}\` is not a valid ${name} (at most 200 printable characters, not "." or "..")`);
  }
  return ok(v);
}

function booleanField(f: Fields, name: string): Parsed<boolean> {
  const v = f[name];
  return typeof v === "boolean" ? ok(v) : fail(`\`${name}\` must be true or false`);
}

/** A label: trimmed; "" when empty (the caller decides what empty means). */
function labelField(f: Fields, name: string): Parsed<string> {
  const v = f[name];
  if (typeof v !== "string") return fail(`\`${name}\` must be a string`);
  const trimmed = v.trim();
  if (trimmed !== "" && !LABEL_PATTERN.test(trimmed)) {
    return fail(`\`${name}\` ${JSON.stringify(trimmed.slice(0, 80))} is not allowed: use ${LABEL_RULE}`);
  }
  return ok(trimmed);
}

function chain<A, B>(p: Parsed<A>, next: (a: A) => Parsed<B>): Parsed<B> {
  return p.ok ? next(p.value) : p;
}

const noInput = (input: unknown): Parsed<Record<string, never>> =>
  chain(fields(input, []), () => ok({} as Record<string, never>));
const idInput =
  <N extends string>(name: N) =>
  (input: unknown): Parsed<Record<N, string>> =>
    chain(fields(input, [name]), (f) => chain(idField(f, name), (v) => ok({ [name]: v } as Record<N, string>)));

function action<K extends ControlActionName, I extends object>(spec: Omit<ActionSpec<K, I>, "channel">): ActionSpec<K, I> {
  return { ...spec, channel: `cursor-relay:${spec.name}` };
}

// ---- the actions ------------------------------------------------------------------

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

/** Every action of the ControlApi, each made by `act` (one transport's caller), in one place. */
export function bindControlActions(
  act: <K extends ControlActionName>(name: K) => (...args: Parameters<ControlApi[K]>) => ReturnType<ControlApi[K]>,
): Omit<ControlApi, "subscribe"> {
  return Object.fromEntries(controlActionNames.map((name) => [name, act(name)])) as Omit<ControlApi, "subscribe">;
}

export function isControlActionName(name: string): name is ControlActionName {
  return Object.prototype.hasOwnProperty.call(controlActions, name);
}

// Each spec is typed by its own K; this view erases K for code that loops over all of them.
function specOf(name: ControlActionName): ActionSpec<ControlActionName, object> {
  return controlActions[name] as unknown as ActionSpec<ControlActionName, object>;
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

// ---- HTTP mapping -------------------------------------------------------------------

export interface HttpCall {
  method: HttpMethod;
  /** Absolute path including /v0/management/ and any query string. */
  path: string;
  /** JSON body for non-GET routes (the input minus path fields); undefined for GET. */
  body: Record<string, unknown> | undefined;
}

const pathFields = (path: string): string[] =>
  path
    .split("/")
    .filter((s) => s.startsWith(":"))
    .map((s) => s.slice(1));

/** Client side: the request that carries `input` for this action. */
export function httpCallFor(name: ControlActionName, input: object): HttpCall {
  const spec = specOf(name);
  const rest: Record<string, unknown> = { ...(input as Record<string, unknown>) };
  const path = spec.path
    .split("/")
    .map((segment) => {
      if (!segment.startsWith(":")) return segment;
      const field = segment.slice(1);
      const value = rest[field];
      delete rest[field];
      return encodeURIComponent(String(value));
    })
    .join("/");
  if (spec.method !== "GET") return { method: spec.method, path: MANAGEMENT_PREFIX + path, body: rest };
  // GET: remaining fields go to the query string (booleans as "true"/"false").
  const query = Object.entries(rest)
    .filter(([, v]) => v !== undefined && v !== false)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join("&");
  return { method: "GET", path: MANAGEMENT_PREFIX + path + (query ? `?${query}` : ""), body: undefined };
}

export type RouteMatch =
  | { kind: "action"; name: ControlActionName; params: Record<string, string> }
  | { kind: "method_not_allowed"; allow: HttpMethod[] }
  | { kind: "not_found" };

/**
 * Server side: which action a method + path (relative to /v0/management/, no query)
 * names. Path segments arrive percent-encoded; a malformed encoding is not found.
 */
export function matchHttpRoute(method: string, relativePath: string): RouteMatch {
  const segments = relativePath.split("/");
  const allow: HttpMethod[] = [];
  for (const name of controlActionNames) {
    const spec = specOf(name);
    const pattern = spec.path.split("/");
    if (pattern.length !== segments.length) continue;
    const params: Record<string, string> = {};
    let matches = true;
    for (let i = 0; i < pattern.length && matches; i++) {
      const p = pattern[i] ?? "";
      const s = segments[i] ?? "";
      if (p.startsWith(":")) {
        try {
          params[p.slice(1)] = decodeURIComponent(s);
        } catch {
          matches = false;
        }
        if (s === "") matches = false;
      } else if (p !== s) {
        matches = false;
      }
    }
    if (!matches) continue;
    if (spec.method === method) return { kind: "action", name, params };
    allow.push(spec.method);
  }
  return allow.length > 0 ? { kind: "method_not_allowed", allow } : { kind: "not_found" };
}

/**
 * Server side: the input object for the validator, from path params, the query (GET)
 * and the JSON body (others). Path params win over body fields of the same name.
 */
export function httpInput(
  name: ControlActionName,
  params: Record<string, string>,
  query: URLSearchParams,
  body: unknown,
): Parsed<object> {
  const spec = specOf(name);
  if (spec.method === "GET") {
    const fromQuery: Record<string, unknown> = {};
    for (const [k, v] of query) fromQuery[k] = v === "true" ? true : v === "false" ? false : v;
    return ok({ ...fromQuery, ...params });
  }
  if (body === undefined) return ok({ ...params });
  if (typeof body !== "object" || body === null || Array.isArray(body)) return fail("the request body must be a JSON object");
  for (const field of pathFields(spec.path)) {
    if (field in body) return fail(`\`${field}\` belongs in the path, not in the body`);
  }
  return ok({ ...(body as Record<string, unknown>), ...params });
}
