// Scenario types for the fake Cursor server, and the check that turns parsed JSON into a
// Scenario with a clear error when a step is misspelled. The vocabulary is documented in
// README.md next to this file.

export const CONNECT_CODES = [
  "canceled",
  "unknown",
  "invalid_argument",
  "deadline_exceeded",
  "not_found",
  "already_exists",
  "permission_denied",
  "resource_exhausted",
  "failed_precondition",
  "aborted",
  "out_of_range",
  "unimplemented",
  "internal",
  "unavailable",
  "data_loss",
  "unauthenticated",
] as const;
export type ConnectCode = (typeof CONNECT_CODES)[number];

/** Native exec kinds the fake can ask for (each maps to one ExecServerMessage args field). */
export const NATIVE_EXEC_KINDS = {
  shell: "shellArgs",
  write: "writeArgs",
  delete: "deleteArgs",
  grep: "grepArgs",
  read: "readArgs",
  ls: "lsArgs",
  diagnostics: "diagnosticsArgs",
  requestContext: "requestContextArgs",
  shellStream: "shellStreamArgs",
  backgroundShellSpawn: "backgroundShellSpawnArgs",
  listMcpResources: "listMcpResourcesExecArgs",
  readMcpResource: "readMcpResourceExecArgs",
  fetch: "fetchArgs",
  recordScreen: "recordScreenArgs",
  computerUse: "computerUseArgs",
  writeShellStdin: "writeShellStdinArgs",
} as const;
export type NativeExecKind = keyof typeof NATIVE_EXEC_KINDS;

/** Protocol changes the fake can play, so the relay's drift counters and `doctor` can be seen to fire. */
export const DRIFT_KINDS = ["unknown-field", "unknown-frame-kind", "unknown-update-kind", "renamed-end-stream"] as const;
export type DriftKind = (typeof DRIFT_KINDS)[number];

export const MALFORMED_KINDS = ["truncated-envelope", "giant-length", "bit-flip", "invalid-utf8"] as const;
export type MalformedKind = (typeof MALFORMED_KINDS)[number];

export interface ToolCallStep {
  /** McpArgs.name (and tool_name unless `toolName` is given). */
  name: string;
  /** JSON arguments; each value is sent as a serialized google.protobuf.Value. */
  args?: Record<string, unknown>;
  /** tool_call_id (may contain newlines/spaces). Default "toolu_fake_<n>". */
  id?: string;
  toolName?: string;
  providerIdentifier?: string;
  /** Also send a tool_call_started update (kind 15 mcp_tool_call) before the exec. Default false. */
  announce?: boolean;
  /** Wait for the mcp_result on this stream (default true). */
  wait?: boolean;
  /** While waiting, also send one KV get for a known blob (docs/protocol.md §11 step 5). Default false. */
  kvWhileWaiting?: boolean;
}

export type Step =
  | { thinking: string }
  | { thinkingDone: number }
  | { text: string }
  | { tokens: number }
  | { heartbeat: true | number }
  | { sleepMs: number }
  | { kvSet: string | { data: string } }
  | { kvGet: string }
  | { requestContext: true }
  | { toolCall: ToolCallStep }
  | { replyWithToolResult: string }
  | { nativeExec: NativeExecKind | { kind: NativeExecKind; args?: Record<string, unknown>; wait?: boolean } }
  | { unknownExec: number | { field: number; wait?: boolean } }
  | { toolCallStarted: { kind: number; callId?: string; modelCallId?: string } }
  | { checkpoint: true }
  | { turnEnded: true }
  | { end: true }
  | { fail: ConnectCode; message?: string }
  | { rstStream: true | number }
  | { goaway: true | number }
  | { silence: true | { heartbeatMs: number } }
  | { multiFieldFrame: { text: string; kvSet?: string; kvGet?: string } }
  | { malformed: MalformedKind }
  | { drift: DriftKind }
  | { httpStatus: number }
  | { refuseStream: true | number }
  | { textBytes: number; chunkBytes?: number; paceMs?: number; tokensPerChunk?: number }
  | { waitForHeartbeats: number };

/** One turn: a list of steps, or an object that can also switch the automatic prologue off. */
export type Turn = Step[] | { prologue?: boolean; steps: Step[] };

export interface LoginScenario {
  /** Lifetime of minted access tokens (default 3600). */
  accessTtlSeconds?: number;
  /** How many polls per uuid answer 404 before the outcome (default 1). */
  pendingPolls?: number;
  /** Subs for the 1st, 2nd, … successful login (the last repeats). Default auth0|user_fake_<n>. */
  subs?: string[];
  /** After the pending polls, answer this instead of tokens. */
  fail?: { status: number; body: string };
  /** Stay pending (404) forever. */
  neverComplete?: boolean;
  /** Refresh hands out a new refresh token (default true); false = echo the old one. */
  refreshRotates?: boolean;
  /** Make every refresh answer this. */
  refreshFail?: { status: number; body: string };
}

export interface ModelSpec {
  id: string;
  displayName?: string;
  thinking?: boolean;
  aliases?: string[];
}

export interface ModelsScenario {
  list?: ModelSpec[];
  /** Answer HTTP 502 (Connect error `unavailable`). */
  fail?: boolean;
}

/**
 * One account's usage: the GetCurrentPeriodUsage answer as Cursor sends it (every field
 * optional), plus keys only the fake reads.
 */
export interface UsageSpec {
  billingCycleStart?: string;
  billingCycleEnd?: string;
  planUsage?: Record<string, unknown>;
  spendLimitUsage?: Record<string, unknown>;
  enabled?: boolean;
  displayMessage?: string;
  /** GetPlanInfo's planInfo.planName. */
  planName?: string;
  /** Percent added per Run of this account on a model of that pool (capped at 100). */
  perRun?: { autoPercentUsed?: number; apiPercentUsed?: number };
  /** Both calls answer this HTTP status with a Connect error body. */
  fail?: number;
  /** Both calls answer only after this many ms. */
  delayMs?: number;
  [field: string]: unknown;
}

/** Account key (exact sub, "@n", "*") → its usage. */
export type UsageScenario = Record<string, UsageSpec>;

export interface Scenario {
  name?: string;
  /**
   * Turns per account key: an exact token `sub`, "@1"/"@2"/… (the n-th distinct sub that
   * opened a Run on this fake), or "*" (everyone else). Entry i is that account's (i+1)-th
   * Run; the last entry repeats.
   */
  accounts?: Record<string, Turn[]>;
  /** Shorthand for accounts["*"]. */
  turns?: Turn[];
  login?: LoginScenario;
  models?: ModelsScenario;
  /** GetCurrentPeriodUsage / GetPlanInfo answers per account key. */
  usage?: UsageScenario;
  /** Server heartbeat period while the fake waits for the client (default 1000 ms). */
  serverHeartbeatMs?: number;
  /** Ask `kv get_blob` for the root prompt blob(s) of a fresh state / replayed checkpoint (default true). */
  askSystemPrompt?: boolean;
  /** Send `exec request_context_args` when tools were declared (default true). */
  askRequestContext?: boolean;
  /** Answer `internal` when a fresh state carries structured turns, like real Cursor (default true). */
  rejectStructuredTurns?: boolean;
  /** Headers every Run and GetUsableModels call must carry; a call without one gets `failed_precondition`. */
  requireHeaders?: string[];
}

const STEP_KEYS: Record<string, readonly string[]> = {
  thinking: [],
  thinkingDone: [],
  text: [],
  tokens: [],
  heartbeat: [],
  sleepMs: [],
  kvSet: [],
  kvGet: [],
  requestContext: [],
  toolCall: [],
  replyWithToolResult: [],
  nativeExec: [],
  unknownExec: [],
  toolCallStarted: [],
  checkpoint: [],
  turnEnded: [],
  end: [],
  fail: ["message"],
  rstStream: [],
  goaway: [],
  silence: [],
  multiFieldFrame: [],
  malformed: [],
  drift: [],
  httpStatus: [],
  refuseStream: [],
  textBytes: ["chunkBytes", "paceMs", "tokensPerChunk"],
  waitForHeartbeats: [],
};

export class ScenarioError extends Error {}

function fail(where: string, message: string): never {
  throw new ScenarioError(`${where}: ${message}`);
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

/** The one key that names what a step does. */
export function stepKind(step: Step): string {
  for (const key of Object.keys(step)) if (key in STEP_KEYS) return key;
  throw new ScenarioError(`step ${JSON.stringify(step)} has no known kind`);
}

function checkStep(raw: unknown, where: string, index: number): Step {
  if (!isObject(raw)) fail(where, "a step must be an object like {\"text\":\"hi\"}");
  const kinds = Object.keys(raw).filter((k) => k in STEP_KEYS);
  if (kinds.length !== 1) {
    fail(where, `a step needs exactly one of ${Object.keys(STEP_KEYS).join(", ")}; got ${JSON.stringify(raw)}`);
  }
  const kind = kinds[0]!;
  const allowed = new Set([kind, ...(STEP_KEYS[kind] ?? [])]);
  for (const key of Object.keys(raw)) if (!allowed.has(key)) fail(where, `unknown key "${key}" in a "${kind}" step`);
  const value = raw[kind];
  const str = () => typeof value === "string" || fail(where, `"${kind}" takes a string`);
  const num = () => (typeof value === "number" && Number.isFinite(value) && value >= 0) || fail(where, `"${kind}" takes a number >= 0`);
  switch (kind) {
    case "thinking":
    case "text":
    case "kvGet":
    case "replyWithToolResult":
      str();
      break;
    case "thinkingDone":
    case "tokens":
    case "sleepMs":
    case "httpStatus":
    case "textBytes":
    case "waitForHeartbeats":
      num();
      break;
    case "fail":
      if (!CONNECT_CODES.includes(value as ConnectCode)) fail(where, `"fail" takes a Connect code: ${CONNECT_CODES.join(", ")}`);
      break;
    case "malformed":
      if (!MALFORMED_KINDS.includes(value as MalformedKind)) fail(where, `"malformed" takes one of ${MALFORMED_KINDS.join(", ")}`);
      break;
    case "drift":
      if (!DRIFT_KINDS.includes(value as DriftKind)) fail(where, `"drift" takes one of ${DRIFT_KINDS.join(", ")}`);
      break;
    case "nativeExec": {
      const k = isObject(value) ? value.kind : value;
      if (typeof k !== "string" || !(k in NATIVE_EXEC_KINDS)) {
        fail(where, `"nativeExec" takes one of ${Object.keys(NATIVE_EXEC_KINDS).join(", ")} (or {"kind":…,"args":{…}})`);
      }
      break;
    }
    case "unknownExec": {
      const f = isObject(value) ? value.field : value;
      if (typeof f !== "number" || !Number.isInteger(f) || f < 1) fail(where, `"unknownExec" takes a field number`);
      break;
    }
    case "toolCall":
      if (!isObject(value) || typeof value.name !== "string") fail(where, `"toolCall" takes {"name":"…","args":{…},"id":"…"}`);
      if (value.args !== undefined && !isObject(value.args)) fail(where, `"toolCall.args" must be an object`);
      break;
    case "toolCallStarted":
      if (!isObject(value) || typeof value.kind !== "number") fail(where, `"toolCallStarted" takes {"kind":37}`);
      break;
    case "multiFieldFrame":
      if (!isObject(value) || typeof value.text !== "string") fail(where, `"multiFieldFrame" takes {"text":"…","kvSet":"…"} or {"text":"…","kvGet":"<hex>"}`);
      break;
    case "kvSet":
      if (typeof value !== "string" && !(isObject(value) && typeof value.data === "string")) fail(where, `"kvSet" takes a string`);
      break;
    case "silence":
      if (value !== true && !(isObject(value) && typeof value.heartbeatMs === "number")) {
        fail(where, `"silence" takes true (total silence) or {"heartbeatMs":100}`);
      }
      break;
    case "heartbeat":
    case "rstStream":
    case "goaway":
    case "refuseStream":
      if (value !== true && typeof value !== "number") fail(where, `"${kind}" takes true or a number`);
      break;
    default:
      if (value !== true) fail(where, `"${kind}" takes true`);
  }
  if (kind === "httpStatus" && index !== 0) fail(where, `"httpStatus" must be the first step of a turn (no headers may be sent before it)`);
  if (kind === "refuseStream" && index !== 0) fail(where, `"refuseStream" must be the first step of a turn (it answers before any headers)`);
  return raw as Step;
}

function checkTurn(raw: unknown, where: string): Turn {
  const steps = Array.isArray(raw) ? raw : isObject(raw) && Array.isArray(raw.steps) ? raw.steps : fail(where, "a turn is a list of steps or {\"steps\":[…]}");
  const checked = steps.map((s, i) => checkStep(s, `${where} step ${i}`, i));
  if (Array.isArray(raw)) return checked;
  const prologue = (raw as Record<string, unknown>).prologue;
  if (prologue !== undefined && typeof prologue !== "boolean") fail(where, `"prologue" must be true or false`);
  return prologue === undefined ? { steps: checked } : { prologue, steps: checked };
}

function checkUsage(raw: unknown): void {
  if (!isObject(raw)) fail("scenario.usage", "must map an account key to a GetCurrentPeriodUsage answer");
  for (const [key, spec] of Object.entries(raw)) {
    const where = `usage["${key}"]`;
    if (!isObject(spec)) fail(where, "must be an object (the GetCurrentPeriodUsage answer)");
    if (spec.planUsage !== undefined && !isObject(spec.planUsage)) fail(where, `"planUsage" must be an object`);
    if (spec.planName !== undefined && typeof spec.planName !== "string") fail(where, `"planName" takes a string`);
    if (spec.fail !== undefined && !(typeof spec.fail === "number" && Number.isInteger(spec.fail) && spec.fail >= 400 && spec.fail <= 599)) {
      fail(where, `"fail" takes an HTTP status 400-599`);
    }
    if (spec.delayMs !== undefined && !(typeof spec.delayMs === "number" && spec.delayMs >= 0)) fail(where, `"delayMs" takes a number >= 0`);
    if (spec.perRun !== undefined) {
      const p = spec.perRun;
      if (!isObject(p) || Object.values(p).some((v) => typeof v !== "number")) fail(where, `"perRun" takes {"autoPercentUsed":n,"apiPercentUsed":n}`);
    }
  }
}

/** Validates a parsed JSON scenario; throws ScenarioError naming the bad spot. */
export function parseScenario(raw: unknown): Scenario {
  if (!isObject(raw)) fail("scenario", "must be a JSON object");
  const known = new Set(["name", "accounts", "turns", "login", "models", "serverHeartbeatMs", "askSystemPrompt", "askRequestContext", "rejectStructuredTurns", "description", "requireHeaders", "usage"]);
  for (const key of Object.keys(raw)) if (!known.has(key)) fail("scenario", `unknown key "${key}"`);
  const scenario = { ...raw } as Scenario;
  const accounts: Record<string, Turn[]> = {};
  if (raw.accounts !== undefined) {
    if (!isObject(raw.accounts)) fail("scenario.accounts", "must map an account key to a list of turns");
    for (const [key, turns] of Object.entries(raw.accounts)) {
      if (!Array.isArray(turns) || turns.length === 0) fail(`accounts["${key}"]`, "must be a non-empty list of turns");
      accounts[key] = turns.map((t, i) => checkTurn(t, `accounts["${key}"] turn ${i}`));
    }
  }
  if (raw.turns !== undefined) {
    if (!Array.isArray(raw.turns) || raw.turns.length === 0) fail("scenario.turns", "must be a non-empty list of turns");
    if (accounts["*"]) fail("scenario", `give either "turns" or accounts["*"], not both`);
    accounts["*"] = raw.turns.map((t, i) => checkTurn(t, `turns ${i}`));
  }
  scenario.accounts = accounts;
  delete scenario.turns;
  if (raw.login !== undefined && !isObject(raw.login)) fail("scenario.login", "must be an object");
  if (raw.models !== undefined && !isObject(raw.models)) fail("scenario.models", "must be an object");
  if (raw.requireHeaders !== undefined && !(Array.isArray(raw.requireHeaders) && raw.requireHeaders.every((h) => typeof h === "string" && h !== ""))) {
    fail("scenario.requireHeaders", "must be a list of header names");
  }
  if (raw.usage !== undefined) checkUsage(raw.usage);
  return scenario;
}

export function turnSteps(turn: Turn): { prologue: boolean; steps: Step[] } {
  return Array.isArray(turn) ? { prologue: true, steps: turn } : { prologue: turn.prologue ?? true, steps: turn.steps };
}

/**
 * The turn an account plays: exact sub, then "@<ordinal>", then "*"; entry `index`
 * (0-based), the last entry repeating. Undefined when the scenario has nothing for it.
 */
export function selectTurn(scenario: Scenario, sub: string, ordinal: number, index: number): Turn | undefined {
  const accounts = scenario.accounts ?? {};
  const turns = accounts[sub] ?? accounts[`@${ordinal}`] ?? accounts["*"];
  if (!turns || turns.length === 0) return undefined;
  return turns[Math.min(index, turns.length - 1)];
}
