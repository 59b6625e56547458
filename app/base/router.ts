// The one router of both HTTP faces (the client gateway and the management API, whose
// table comes from the control contract): a table of method + path patterns (`:name`
// segments match one non-empty segment, handed over still percent-encoded). A path that
// matches under another method is a 405 that lists the methods it allows.
// Plain TypeScript with no Node or DOM dependency: the renderer bundles it with the contract.
import { RelayError } from "./errors.ts";

export interface RouteSpec<H, M extends string = string> {
  method: M;
  /** Segments separated by "/"; `:name` matches one non-empty segment. */
  path: string;
  handler: H;
}

export type RouteMatch<H, M extends string = string> =
  | { kind: "found"; handler: H; params: Record<string, string> }
  | { kind: "method_not_allowed"; allow: M[] }
  | { kind: "not_found" };

export interface Router<H, M extends string = string> {
  match(method: string, path: string): RouteMatch<H, M>;
}

function matchPath(pattern: string[], segments: string[]): Record<string, string> | null {
  if (pattern.length !== segments.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i]!;
    const s = segments[i]!;
    if (p.startsWith(":")) {
      if (s === "") return null;
      params[p.slice(1)] = s;
    } else if (p !== s) {
      return null;
    }
  }
  return params;
}

export function createRouter<H, M extends string = string>(routes: readonly RouteSpec<H, M>[]): Router<H, M> {
  const compiled = routes.map((r) => ({ ...r, pattern: r.path.split("/") }));
  return {
    match(method, path) {
      const segments = path.split("/");
      const allow: M[] = [];
      for (const route of compiled) {
        const params = matchPath(route.pattern, segments);
        if (params === null) continue;
        if (route.method === method) return { kind: "found", handler: route.handler, params };
        if (!allow.includes(route.method)) allow.push(route.method);
      }
      return allow.length > 0 ? { kind: "method_not_allowed", allow } : { kind: "not_found" };
    },
  };
}

/** Path params percent-decoded; undefined when one is not valid percent-encoding. */
export function decodeParams(params: Record<string, string>): Record<string, string> | undefined {
  const decoded: Record<string, string> = {};
  try {
    for (const [k, v] of Object.entries(params)) decoded[k] = decodeURIComponent(v);
  } catch {
    return undefined;
  }
  return decoded;
}

/** A 405 that knows its `Allow` header. */
export class MethodNotAllowed extends RelayError {
  readonly allow: readonly string[];
  constructor(method: string, path: string, allow: readonly string[]) {
    super({ kind: "invalid_request", status: 405, message: `${method} is not allowed on ${path} (use ${allow.join(" or ")})` });
    this.allow = allow;
  }
  /** The header every 405 carries. */
  get headers(): Record<string, string> {
    return { allow: this.allow.join(", ") };
  }
}

export function methodNotAllowed(method: string, path: string, allow: readonly string[]): MethodNotAllowed {
  return new MethodNotAllowed(method, path, allow);
}
