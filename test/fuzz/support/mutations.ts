// Mutated requests: start from real, valid bodies (the Claude Code captures, SDK-shaped
// requests) and break them — at the JSON level (delete, retype, replace, grow, nest any
// member), at the byte level (truncate, flip, splice, re-encode), and in the headers.
// Every mutation is data that fast-check generates and shrinks; `materialize` turns
// one into the bytes that go on the wire.
import fc from "fast-check";
import { readFileSync } from "node:fs";

export type JsonPath = (string | number)[];

export type JsonMutation =
  | { op: "delete"; at: number }
  | { op: "null"; at: number }
  | { op: "replace"; at: number; value: unknown }
  | { op: "retype"; at: number }
  | { op: "emptyString"; at: number }
  | { op: "bigString"; at: number; length: number }
  | { op: "weirdString"; at: number; text: string }
  | { op: "number"; at: number; value: number | string }
  | { op: "duplicate"; at: number }
  | { op: "addKey"; at: number; key: string; value: unknown }
  | { op: "nest"; at: number; depth: number };

export type ByteMutation =
  | { op: "truncate"; at: number }
  | { op: "flip"; at: number; bit: number }
  | { op: "insert"; at: number; bytes: Uint8Array }
  | { op: "cut"; at: number; length: number }
  | { op: "replaceAll"; with: string }
  | { op: "bom" }
  | { op: "utf16" }
  | { op: "padWhitespace"; length: number };

export type AuthSpec = "x-api-key" | "bearer" | "both" | "wrong" | "missing" | "empty-bearer" | "padded" | "prefix" | "lowercase-bearer";

export interface HeaderSpec {
  auth: AuthSpec;
  contentType: string | null;
  anthropicVersion: string | null;
  extra: Record<string, string>;
}

export interface RequestCase {
  seed: number;
  json: JsonMutation[];
  bytes: ByteMutation[];
  headers: HeaderSpec;
  method: string;
  pathSuffix: string;
  chunked: boolean;
}

const fixture = (name: string) =>
  (JSON.parse(readFileSync(new URL(`../../fixtures/claude-code/${name}.json`, import.meta.url), "utf8")) as { body: unknown }).body;

const MODEL = "claude-opus-4-8";

/** Valid Anthropic Messages bodies, from the smallest to the real Claude Code captures. */
export const ANTHROPIC_SEEDS: readonly unknown[] = [
  { model: MODEL, max_tokens: 64, messages: [{ role: "user", content: "hi" }] },
  { model: MODEL, max_tokens: 64, stream: true, messages: [{ role: "user", content: "hi" }] },
  {
    model: MODEL,
    max_tokens: 64,
    system: [{ type: "text", text: "be brief" }],
    metadata: { user_id: "user_x_account__session_3f0c7a9e-0000-4000-8000-000000000001" },
    thinking: { type: "enabled", budget_tokens: 1024 },
    tools: [{ name: "Bash", description: "run", input_schema: { type: "object", properties: { command: { type: "string" } } } }],
    messages: [
      { role: "user", content: [{ type: "text", text: "list" }, { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" } }] },
      { role: "assistant", content: [{ type: "thinking", thinking: "hm", signature: "sig" }, { type: "tool_use", id: "toolu_1", name: "Bash", input: { command: "ls" } }] },
      { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_1", content: [{ type: "text", text: "a\nb" }], is_error: false }] },
    ],
  },
  fixture("first-turn-request"),
  fixture("tool-result-turn-request"),
];

/** Valid OpenAI Chat Completions bodies. */
export const OPENAI_SEEDS: readonly unknown[] = [
  { model: "gpt-5", messages: [{ role: "user", content: "hi" }] },
  { model: "gpt-5", stream: true, stream_options: { include_usage: true }, messages: [{ role: "user", content: "hi" }] },
  {
    model: MODEL,
    max_completion_tokens: 64,
    temperature: 0.2,
    tools: [{ type: "function", function: { name: "read", description: "read a file", parameters: { type: "object", properties: { path: { type: "string" } } } } }],
    tool_choice: "auto",
    messages: [
      { role: "system", content: "be brief" },
      { role: "developer", content: [{ type: "text", text: "really" }] },
      { role: "user", content: [{ type: "text", text: "look" }, { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } }] },
      { role: "assistant", content: null, tool_calls: [{ id: "call_1", type: "function", function: { name: "read", arguments: '{"path":"a"}' } }] },
      { role: "tool", tool_call_id: "call_1", content: "file text" },
    ],
  },
];

/** Valid OpenAI Responses bodies, up to Codex's real first turn. */
export const RESPONSES_SEEDS: readonly unknown[] = [
  { model: "gpt-5", input: "hi" },
  { model: "gpt-5", stream: true, reasoning: { summary: "auto" }, input: [{ role: "user", content: "hi" }] },
  {
    model: "gpt-5",
    instructions: "be brief",
    max_output_tokens: 64,
    tool_choice: "auto",
    tools: [
      { type: "function", name: "read", description: "read a file", parameters: { type: "object", properties: { path: { type: "string" } } } },
      { type: "namespace", name: "ns", description: "", tools: [{ type: "custom", name: "patch", description: "edit" }] },
      { type: "web_search" },
    ],
    input: [
      { type: "message", role: "user", content: [{ type: "input_text", text: "look" }, { type: "input_image", image_url: "data:image/png;base64,iVBORw0KGgo=" }] },
      { type: "reasoning", id: "rs_1", summary: [] },
      { type: "function_call", call_id: "call_1", name: "read", arguments: '{"path":"a"}' },
      { type: "function_call_output", call_id: "call_1", output: "file text" },
    ],
  },
  (JSON.parse(readFileSync(new URL("../../fixtures/codex/first-turn-request.json", import.meta.url), "utf8")) as { body: unknown }).body,
];

/** count_tokens takes Anthropic bodies (stream is ignored). */
export const COUNT_TOKENS_SEEDS = ANTHROPIC_SEEDS;

/** Paths deeper than this are not mutation targets (earlier "nest" mutations go thousands deep). */
const MAX_TARGET_DEPTH = 40;

/** Every path inside a JSON value (the root is []) down to MAX_TARGET_DEPTH, in a stable order. */
export function jsonPaths(value: unknown): JsonPath[] {
  const out: JsonPath[] = [];
  const stack: { v: unknown; p: JsonPath }[] = [{ v: value, p: [] }];
  while (stack.length > 0) {
    const { v, p } = stack.pop()!;
    out.push(p);
    if (p.length >= MAX_TARGET_DEPTH || typeof v !== "object" || v === null) continue;
    const children: [string | number, unknown][] = Array.isArray(v) ? v.map((c, i) => [i, c]) : Object.entries(v);
    for (let i = children.length - 1; i >= 0; i--) stack.push({ v: children[i]![1], p: [...p, children[i]![0]] });
  }
  return out;
}

const WEIRD_STRINGS = [
  "\ud800", // lone surrogate
  "a\u0000b",
  "\u202e\u2066rtl",
  "🦀".repeat(50),
  "\r\n\r\nHTTP/1.1 200 OK\r\n",
  "</script><script>alert(1)</script>",
  "${process.env.HOME}",
  "..%2f..%2fetc%2fpasswd",
  "\ufeff",
  "\\u0000",
  "__proto__",
  "constructor",
];

const jsonValue = fc.jsonValue({ maxDepth: 3 });
const at = fc.nat();

export const jsonMutation: fc.Arbitrary<JsonMutation> = fc.oneof(
  fc.record({ op: fc.constant("delete" as const), at }),
  fc.record({ op: fc.constant("null" as const), at }),
  fc.record({ op: fc.constant("replace" as const), at, value: jsonValue }),
  fc.record({ op: fc.constant("retype" as const), at }),
  fc.record({ op: fc.constant("emptyString" as const), at }),
  fc.record({ op: fc.constant("bigString" as const), at, length: fc.integer({ min: 1000, max: 200_000 }) }),
  fc.record({ op: fc.constant("weirdString" as const), at, text: fc.oneof(fc.constantFrom(...WEIRD_STRINGS), fc.string({ unit: "binary", maxLength: 40 })) }),
  fc.record({
    op: fc.constant("number" as const),
    at,
    value: fc.oneof(fc.constantFrom(0, -1, 0.5, -0, 2 ** 53 + 2, 1e308, -1e308, 4294967296), fc.constantFrom("1e999", "-1e999", "1E400")),
  }),
  fc.record({ op: fc.constant("duplicate" as const), at }),
  fc.record({ op: fc.constant("addKey" as const), at, key: fc.oneof(fc.constantFrom("__proto__", "constructor", "prototype", "type", "role", "stream"), fc.string({ maxLength: 12 })), value: jsonValue }),
  fc.record({ op: fc.constant("nest" as const), at, depth: fc.oneof(fc.integer({ min: 2, max: 50 }), fc.integer({ min: 100, max: 100_000 })) }),
);

export const byteMutation: fc.Arbitrary<ByteMutation> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constant("truncate" as const), at }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant("flip" as const), at, bit: fc.integer({ min: 0, max: 7 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("insert" as const), at, bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("cut" as const), at, length: fc.integer({ min: 1, max: 64 }) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant("replaceAll" as const),
      with: fc.oneof(fc.constantFrom("", "null", "[]", "{}", '"x"', "{", "}", "[[[[", "1e999", "true", "{\"model\":", "\u0000"), fc.string({ maxLength: 60 })),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ op: "bom" as const }) },
  { weight: 1, arbitrary: fc.constant({ op: "utf16" as const }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("padWhitespace" as const), length: fc.integer({ min: 1, max: 10_000 }) }) },
);

const HEADER_NAME = /^[a-z0-9-]{1,24}$/;
const headerName = fc
  .string({ unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz0123456789-"), minLength: 1, maxLength: 24 })
  .filter((n) => HEADER_NAME.test(n) && !["content-length", "transfer-encoding", "host", "connection", "expect", "upgrade", "x-api-key", "authorization", "content-type", "anthropic-version", "trailer", "te", "keep-alive"].includes(n));
// Printable ASCII (what an HTTP client may legally put in a header value).
const headerValue = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 200 });

export const headerSpec: fc.Arbitrary<HeaderSpec> = fc.record({
  auth: fc.oneof(
    { weight: 12, arbitrary: fc.constantFrom<AuthSpec>("x-api-key", "bearer", "both") },
    { weight: 2, arbitrary: fc.constantFrom<AuthSpec>("wrong", "missing", "empty-bearer", "padded", "prefix", "lowercase-bearer") },
  ),
  contentType: fc.oneof(
    { weight: 10, arbitrary: fc.constantFrom("application/json", "application/json; charset=utf-8") },
    {
      weight: 2,
      arbitrary: fc.constantFrom(null, "", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json; charset=latin1", "*/*"),
    },
  ),
  anthropicVersion: fc.constantFrom(null, "2023-06-01", "2023-06-01", "1999-01-01", "garbage"),
  extra: fc.dictionary(
    headerName,
    fc.oneof(
      headerValue,
      fc.constantFrom(
        "claude-code-20250219,interleaved-thinking-2025-05-14",
        "b7fa06aa-4278-4bc8-b565-37d85126dde4",
        "gzip",
        "br",
        "../../etc/passwd",
      ),
    ),
    { maxKeys: 4 },
  ),
});

// Named headers that change behaviour are worth hitting on purpose.
const BEHAVIOUR_HEADERS = ["x-claude-code-session-id", "anthropic-beta", "content-encoding", "accept", "x-stainless-retry-count", "origin"];
export const headerSpecWithBehaviour: fc.Arbitrary<HeaderSpec> = fc
  .tuple(headerSpec, fc.dictionary(fc.constantFrom(...BEHAVIOUR_HEADERS), headerValue, { maxKeys: 2 }))
  .map(([spec, more]) => ({ ...spec, extra: { ...spec.extra, ...more } }));

/** A case for one endpoint: mostly POST with a mutated body; sometimes no mutation at all (a valid request). */
export function requestCase(seeds: readonly unknown[], pathSuffixes: readonly string[]): fc.Arbitrary<RequestCase> {
  // The 80 KB Claude Code captures cost ~10× a small body to mutate, send and parse: 1 case in 9 each.
  const seed = fc.oneof(...seeds.map((body, i) => ({ weight: JSON.stringify(body).length > 10_000 ? 1 : 4, arbitrary: fc.constant(i) })));
  return fc.record({
    seed,
    json: fc.oneof({ weight: 1, arbitrary: fc.constant<JsonMutation[]>([]) }, { weight: 4, arbitrary: fc.array(jsonMutation, { minLength: 1, maxLength: 4 }) }),
    bytes: fc.oneof({ weight: 4, arbitrary: fc.constant<ByteMutation[]>([]) }, { weight: 1, arbitrary: fc.array(byteMutation, { minLength: 1, maxLength: 3 }) }),
    headers: headerSpecWithBehaviour,
    method: fc.oneof({ weight: 20, arbitrary: fc.constant("POST") }, { weight: 1, arbitrary: fc.constantFrom("GET", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD") }),
    pathSuffix: fc.oneof({ weight: 8, arbitrary: fc.constant("") }, { weight: 1, arbitrary: fc.constantFrom(...pathSuffixes) }),
    chunked: fc.boolean(),
  });
}

// ---- applying mutations ------------------------------------------------------------------

function getAt(root: unknown, path: JsonPath): unknown {
  let cur = root;
  for (const k of path) cur = (cur as Record<string | number, unknown>)[k];
  return cur;
}

/** Sets the value at path (the root itself when path is empty); returns the new root. */
function setAt(root: unknown, path: JsonPath, value: unknown): unknown {
  if (path.length === 0) return value;
  const parent = getAt(root, path.slice(0, -1)) as Record<string | number, unknown>;
  const key = path.at(-1)!;
  // An own "__proto__" key must stay a data property, not the prototype.
  Object.defineProperty(parent, key, { value, enumerable: true, writable: true, configurable: true });
  return root;
}

function retype(v: unknown): unknown {
  if (typeof v === "string") return v.length;
  if (typeof v === "number") return String(v);
  if (typeof v === "boolean") return v ? "true" : 0;
  if (v === null) return {};
  if (Array.isArray(v)) return Object.fromEntries(v.map((x, i) => [String(i), x]));
  return [v];
}

/** Numbers JSON cannot hold exactly ride as marker strings replaced in the text. */
const RAW_NUMBER = "\u0000raw-number:";
const NESTED = "\u0000nested:";

export function applyJsonMutation(root: unknown, m: JsonMutation): unknown {
  const paths = jsonPaths(root);
  const path = paths[m.at % paths.length]!;
  const current = getAt(root, path);
  switch (m.op) {
    case "delete": {
      if (path.length === 0) return undefined;
      const parent = getAt(root, path.slice(0, -1));
      const key = path.at(-1)!;
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete (parent as Record<string, unknown>)[key as string];
      return root;
    }
    case "null":
      return setAt(root, path, null);
    case "replace":
      return setAt(root, path, structuredClone(m.value));
    case "retype":
      return setAt(root, path, retype(current));
    case "emptyString":
      return setAt(root, path, "");
    case "bigString":
      return setAt(root, path, "x".repeat(m.length));
    case "weirdString":
      return setAt(root, path, m.text);
    case "number":
      return setAt(root, path, typeof m.value === "string" ? RAW_NUMBER + m.value : m.value);
    case "duplicate":
      if (Array.isArray(current)) current.push(structuredClone(current[0] ?? null));
      return root;
    case "addKey":
      if (typeof current === "object" && current !== null && !Array.isArray(current)) {
        Object.defineProperty(current, m.key, { value: structuredClone(m.value), enumerable: true, writable: true, configurable: true });
      }
      return root;
    case "nest":
      // Built in the text (deep values would overflow JSON.stringify here, not in the relay).
      return setAt(root, path, `${NESTED}${m.depth}`);
  }
}

export function applyByteMutation(bytes: Buffer, m: ByteMutation): Buffer {
  const pos = (n: number) => (bytes.length === 0 ? 0 : n % (bytes.length + 1));
  switch (m.op) {
    case "truncate":
      return bytes.subarray(0, pos(m.at));
    case "flip": {
      if (bytes.length === 0) return bytes;
      const out = Buffer.from(bytes);
      const i = m.at % out.length;
      out[i] = out[i]! ^ (1 << m.bit);
      return out;
    }
    case "insert":
      return Buffer.concat([bytes.subarray(0, pos(m.at)), Buffer.from(m.bytes), bytes.subarray(pos(m.at))]);
    case "cut":
      return Buffer.concat([bytes.subarray(0, pos(m.at)), bytes.subarray(pos(m.at) + m.length)]);
    case "replaceAll":
      return Buffer.from(m.with, "utf8");
    case "bom":
      return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]);
    case "utf16":
      return Buffer.from(bytes.toString("utf8"), "utf16le");
    case "padWhitespace":
      return Buffer.concat([Buffer.from(" \n\t".repeat(m.length)), bytes, Buffer.from("\r\n".repeat(m.length))]);
  }
}

/** The body bytes of a case (undefined = no body at all, for a body-less method). */
export function bodyBytes(seeds: readonly unknown[], c: RequestCase): Buffer {
  let value: unknown = structuredClone(seeds[c.seed]);
  for (const m of c.json) value = applyJsonMutation(value, m);
  let text = value === undefined ? "" : JSON.stringify(value);
  text = text
    .replace(/"\\u0000raw-number:([^"]*)"/g, "$1")
    .replace(/"\\u0000nested:(\d+)"/g, (_m, d: string) => "[".repeat(Number(d)) + "1" + "]".repeat(Number(d)));
  let bytes: Buffer = Buffer.from(text, "utf8");
  for (const m of c.bytes) bytes = applyByteMutation(bytes, m);
  return bytes;
}

export function authHeaders(spec: AuthSpec, key: string): Record<string, string> {
  switch (spec) {
    case "x-api-key":
      return { "x-api-key": key };
    case "bearer":
      return { authorization: `Bearer ${key}` };
    case "both":
      return { "x-api-key": key, authorization: `Bearer ${key}` };
    case "wrong":
      return { "x-api-key": `${key.slice(0, -1)}${key.endsWith("A") ? "B" : "A"}` };
    case "missing":
      return {};
    case "empty-bearer":
      return { authorization: "Bearer " };
    case "padded":
      return { authorization: `Bearer    ${key}   ` };
    case "prefix":
      return { "x-api-key": key.slice(0, Math.floor(key.length / 2)) };
    case "lowercase-bearer":
      return { authorization: `bearer ${key}` };
  }
}

/** Whether the relay must accept this key presentation (the rest must be 401). */
export const authAccepted = (spec: AuthSpec): boolean => ["x-api-key", "bearer", "both", "padded", "lowercase-bearer"].includes(spec);

const geminiFixture = (name: string): unknown =>
  (JSON.parse(readFileSync(new URL(`../../fixtures/gemini-cli/${name}.json`, import.meta.url), "utf8")) as { body: unknown }).body;

/** Valid Gemini generateContent bodies (the model is in the URL), from the smallest to Gemini CLI's captures. */
export const GEMINI_SEEDS: readonly unknown[] = [
  { contents: [{ role: "user", parts: [{ text: "hi" }] }] },
  {
    systemInstruction: { parts: [{ text: "be brief" }] },
    generationConfig: { maxOutputTokens: 64, thinkingConfig: { includeThoughts: true } },
    tools: [
      { functionDeclarations: [{ name: "read", description: "read a file", parameters: { type: "OBJECT", properties: { path: { type: "STRING", nullable: true } } } }] },
      { functionDeclarations: [{ name: "ls", parametersJsonSchema: { type: "object", properties: {} } }] },
    ],
    toolConfig: { functionCallingConfig: { mode: "ANY", allowedFunctionNames: ["read"] } },
    contents: [
      { role: "user", parts: [{ text: "look" }, { inlineData: { mimeType: "image/png", data: "iVBORw0KGgo=" } }] },
      { role: "model", parts: [{ text: "hm", thought: true }, { functionCall: { id: "read__c1", name: "read", args: { path: "a" } } }] },
      { role: "user", parts: [{ functionResponse: { id: "read__c1", name: "read", response: { output: "file text" } } }] },
    ],
  },
  geminiFixture("classifier-request"),
  geminiFixture("first-turn-request"),
];
