// The control contract over HTTP: where each action lives under /v0/management/, how a
// client turns an action's input into a request, and how the server turns a request
// back into the action and its input. Both sides read the same action table (the server
// matches it through the one router, router.ts), so they cannot disagree.
// Plain TypeScript with no Node or DOM dependency: the renderer bundles it too.
import { controlActionNames, controlActions, specOf, type ControlActionName, type HttpMethod } from "./control-actions.ts";
import { fail, ok, type Parsed } from "./control-fields.ts";
import { createRouter, decodeParams, type RouteSpec } from "./router.ts";

export const MANAGEMENT_PREFIX = "/v0/management/";
/** GET /v0/management/events: Server-Sent Events, `event: snapshot`, data = Snapshot JSON. */
export const EVENTS_PATH = "events";
export const SNAPSHOT_EVENT = "snapshot";

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

export type ManagementRoute =
  | { kind: "action"; name: ControlActionName; params: Record<string, string> }
  | { kind: "events" }
  | { kind: "method_not_allowed"; allow: HttpMethod[] }
  | { kind: "not_found" };

/** Every management route: the event stream and each action of the table. */
const managementRouter = createRouter<ControlActionName | "events", HttpMethod>([
  { method: "GET", path: EVENTS_PATH, handler: "events" },
  ...controlActionNames.map((name): RouteSpec<ControlActionName, HttpMethod> => ({ method: controlActions[name].method, path: controlActions[name].path, handler: name })),
]);

/**
 * Server side: which action (or the event stream) a method + path names, the path being
 * relative to /v0/management/ without the query. Path segments arrive percent-encoded;
 * a malformed encoding is not found.
 */
export function matchHttpRoute(method: string, relativePath: string): ManagementRoute {
  const route = managementRouter.match(method, relativePath);
  if (route.kind !== "found") return route;
  if (route.handler === "events") return { kind: "events" };
  const params = decodeParams(route.params);
  return params === undefined ? { kind: "not_found" } : { kind: "action", name: route.handler, params };
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

/** Client side: the fetch() options that send a call, with the caller's headers (the JSON body only when it has a field). */
export function httpRequestInit(call: HttpCall, headers: Record<string, string>): { method: HttpMethod; headers: Record<string, string>; body: string | null } {
  const hasBody = call.body !== undefined && Object.keys(call.body).length > 0;
  return {
    method: call.method,
    headers: { ...headers, ...(hasBody ? { "content-type": "application/json" } : {}) },
    body: hasBody ? JSON.stringify(call.body) : null,
  };
}

/** What a management reply said: a 2xx's JSON (undefined for 204), else the relay's error fields (null when the body has none). */
export type ManagementReply = { ok: true; value: unknown } | { ok: false; status: number; type: string | null; message: string | null };

/** Client side: reads a reply (the part of a fetch Response it needs). */
export async function readManagementReply(res: { status: number; ok: boolean; text(): Promise<string> }): Promise<ManagementReply> {
  if (res.status === 204) return { ok: true, value: undefined };
  const text = await res.text();
  let body: unknown = undefined;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: no value, no error fields
  }
  if (res.ok) return { ok: true, value: body };
  const err = (body as { error?: { type?: unknown; message?: unknown } } | undefined)?.error;
  return {
    ok: false,
    status: res.status,
    type: typeof err?.type === "string" ? err.type : null,
    message: typeof err?.message === "string" ? err.message : null,
  };
}
