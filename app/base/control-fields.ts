// The input-field validators of the control contract: each turns one field of an
// unknown wire object into a typed value or a message saying what is wrong.
// Plain TypeScript with no Node or DOM dependency: the renderer bundles it too.

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };
export type Fields = Record<string, unknown>;

export const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
export const fail = <T>(error: string): Parsed<T> => ({ ok: false, error });

/** The input must be a plain object with only the named fields. */
export function fields(input: unknown, allowed: readonly string[]): Parsed<Fields> {
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

export function idField(f: Fields, name: string): Parsed<string> {
  const v = f[name];
  if (typeof v !== "string" || v.length === 0) return fail(`\`${name}\` must be a non-empty string`);
  // "." and ".." cannot travel as a URL path segment (URLs resolve them away, even encoded).
  if (v.length > 200 || CONTROL.test(v) || v === "." || v === "..") {
    return fail(`\`${name}\` is not a valid ${name} (at most 200 printable characters, not "." or "..")`);
  }
  return ok(v);
}

export function booleanField(f: Fields, name: string): Parsed<boolean> {
  const v = f[name];
  return typeof v === "boolean" ? ok(v) : fail(`\`${name}\` must be true or false`);
}

/** A label: trimmed; "" when empty (the caller decides what empty means). */
export function labelField(f: Fields, name: string): Parsed<string> {
  const v = f[name];
  if (typeof v !== "string") return fail(`\`${name}\` must be a string`);
  const trimmed = v.trim();
  if (trimmed !== "" && !LABEL_PATTERN.test(trimmed)) {
    return fail(`\`${name}\` ${JSON.stringify(trimmed.slice(0, 80))} is not allowed: use ${LABEL_RULE}`);
  }
  return ok(trimmed);
}

export function chain<A, B>(p: Parsed<A>, next: (a: A) => Parsed<B>): Parsed<B> {
  return p.ok ? next(p.value) : p;
}

/** An action that takes no input: only `{}` is accepted. */
export const noInput = (input: unknown): Parsed<Record<string, never>> =>
  chain(fields(input, []), () => ok({} as Record<string, never>));

/** An action whose whole input is one id field. */
export const idInput =
  <N extends string>(name: N) =>
  (input: unknown): Parsed<Record<N, string>> =>
    chain(fields(input, [name]), (f) => chain(idField(f, name), (v) => ok({ [name]: v } as Record<N, string>)));
