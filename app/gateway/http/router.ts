// The one router of both HTTP faces: a table of method + path patterns (`:name` segments
// match one non-empty segment, handed over still percent-encoded). A path that matches
// under another method is a 405 that lists the methods it allows.
import { RelayError } from "../../base/errors.ts";

export interface RouteSpec<H> {
  method: string;
  /** Segments separated by "/"; `:name` matches one non-empty segment. */
  path: string;
  handler: H;
}

export type RouteMatch<H> =
  | { kind: "found"; handler: H; params: Record<string, string> }
  | { kind: "method_not_allowed"; allow: string[] }
  | { kind: "not_found" };

export interface Router<H> {
  match(method: string, path: string): RouteMatch<H>;
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

export function createRouter<H>(routes: readonly RouteSpec<H>[]): Router<H> {
  const compiled = routes.map((r) => ({ ...r, pattern: r.path.split("/") }));
  return {
    match(method, path) {
      const segments = path.split("/");
      const allow: string[] = [];
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
