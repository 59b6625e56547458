// Field-by-field validation of client JSON. Every failure is a 400 RelayError whose
// message names the field by its path (`messages.3.content.0.type: …`), so the client
// sees exactly what to fix. Nothing here throws anything but RelayError, and nothing
// reads inherited properties (a `__proto__` key in the body is just an unknown field).
import { RelayError } from "../base/errors.ts";

export type JsonObject = Record<string, unknown>;

/** Deeper than this is hostile: tool schemas and tool inputs stay far below it. */
export const MAX_JSON_DEPTH = 128;

export function invalid(path: string, problem: string): RelayError {
  return new RelayError({ kind: "invalid_request", status: 400, message: path === "" ? problem : `${path}: ${problem}` });
}

/** `messages` + 3 → `messages.3`. */
export const at = (path: string, key: string | number): string => (path === "" ? String(key) : `${path}.${key}`);

export const isObject = (v: unknown): v is JsonObject => typeof v === "object" && v !== null && !Array.isArray(v);

/** An own property only (never something from Object.prototype). */
export const own = (obj: JsonObject, key: string): unknown => (Object.hasOwn(obj, key) ? obj[key] : undefined);

/** A client string quoted for an error message, cut short so a huge value cannot bloat it. */
export function quote(s: string): string {
  const cut = s.length > 40 ? `${s.slice(0, 40)}…` : s;
  return JSON.stringify(cut);
}

export function describe(v: unknown): string {
  if (v === null) return "null";
  if (v === undefined) return "nothing";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "object") return "an object";
  if (typeof v === "string") return "a string";
  if (typeof v === "number") return Number.isInteger(v) ? "an integer" : "a number";
  return `a ${typeof v}`;
}

export function expectObject(v: unknown, path: string): JsonObject {
  if (!isObject(v)) throw invalid(path, v === undefined ? "required (an object)" : `expected an object, got ${describe(v)}`);
  return v;
}

export function expectArray(v: unknown, path: string): unknown[] {
  if (!Array.isArray(v)) throw invalid(path, v === undefined ? "required (an array)" : `expected an array, got ${describe(v)}`);
  return v;
}

export function expectString(v: unknown, path: string): string {
  if (typeof v !== "string") throw invalid(path, v === undefined ? "required (a string)" : `expected a string, got ${describe(v)}`);
  return v;
}

export function expectNonEmptyString(v: unknown, path: string): string {
  const s = expectString(v, path);
  if (s.trim() === "") throw invalid(path, "must not be empty");
  return s;
}

/** Absent and null both mean "not given". */
export function optionalString(v: unknown, path: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  return expectString(v, path);
}

export function optionalBoolean(v: unknown, path: string): boolean | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "boolean") throw invalid(path, `expected true or false, got ${describe(v)}`);
  return v;
}

export function optionalObject(v: unknown, path: string): JsonObject | undefined {
  if (v === undefined || v === null) return undefined;
  return expectObject(v, path);
}

export function optionalPositiveInt(v: unknown, path: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 1) {
    throw invalid(path, `expected a positive integer, got ${typeof v === "number" ? String(v) : describe(v)}`);
  }
  return v;
}

/** The request body: a JSON object no deeper than MAX_JSON_DEPTH (checked without recursion). */
export function expectBody(body: unknown): JsonObject {
  if (!isObject(body)) throw invalid("", `request body must be a JSON object, got ${describe(body)}`);
  const stack: Array<{ value: unknown; depth: number }> = [{ value: body, depth: 1 }];
  while (stack.length > 0) {
    const { value, depth } = stack.pop()!;
    if (typeof value !== "object" || value === null) continue;
    if (depth > MAX_JSON_DEPTH) throw invalid("", `request body is nested deeper than ${MAX_JSON_DEPTH} levels`);
    for (const child of Array.isArray(value) ? value : Object.values(value)) {
      if (typeof child === "object" && child !== null) stack.push({ value: child, depth: depth + 1 });
    }
  }
  return body;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Standard base64 (padding optional) → bytes; anything else is the client's mistake. */
export function decodeBase64(data: string, path: string): Uint8Array {
  if (!BASE64.test(data) || data.length % 4 === 1) throw invalid(path, "is not valid base64");
  return new Uint8Array(Buffer.from(data, "base64"));
}

/** Case-insensitive header lookup (Node lowercases, tests may not). */
export function header(headers: Record<string, string | undefined>, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === lower && typeof v === "string") return v;
  return undefined;
}

/**
 * Runs a parser and guarantees the caller only ever sees a RelayError: anything else
 * thrown while reading client input (a RangeError from a pathological value, …) becomes
 * a 400 rather than a 500.
 */
export function guardParse<T>(parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    if (e instanceof RelayError) throw e;
    throw new RelayError({
      kind: "invalid_request",
      status: 400,
      message: `request could not be read: ${e instanceof Error ? e.message : String(e)}`,
      cause: e,
    });
  }
}
