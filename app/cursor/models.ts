// Cursor's model list (GetUsableModels, docs/protocol.md §9) and the mapping from the model names
// clients send (claude-opus-4-5, gpt-5, …) to Cursor model ids.
import type { GetUsableModelsResponse } from "../../proto/gen/agent/v1/agent_pb.ts";
import { RelayError } from "../base/errors.ts";
import type { CursorModel } from "./types.ts";

/** docs/protocol.md §9.2 fallback list (early-2026 ids), used when no live list was ever fetched for an account. */
export const FALLBACK_MODELS: readonly CursorModel[] = Object.freeze([
  { id: "composer-2", displayName: "composer-2", supportsThinking: true, aliases: [] },
  { id: "claude-4-sonnet", displayName: "claude-4-sonnet", supportsThinking: true, aliases: [] },
  { id: "claude-3.5-sonnet", displayName: "claude-3.5-sonnet", supportsThinking: false, aliases: [] },
  { id: "gpt-4o", displayName: "gpt-4o", supportsThinking: false, aliases: [] },
  { id: "cursor-small", displayName: "cursor-small", supportsThinking: false, aliases: [] },
  { id: "gemini-2.5-pro", displayName: "gemini-2.5-pro", supportsThinking: true, aliases: [] },
]);

export const cloneModels = (models: readonly CursorModel[]): CursorModel[] =>
  models.map((m) => ({ ...m, aliases: [...m.aliases] }));

/** The live list as CursorModels; entries without a model id are skipped. */
export function modelsFromResponse(res: GetUsableModelsResponse): CursorModel[] {
  const out: CursorModel[] = [];
  for (const m of res.models) {
    if (m.modelId === "") continue;
    const aliases = [...m.aliases];
    if (m.displayModelId !== "" && m.displayModelId !== m.modelId && !aliases.includes(m.displayModelId)) aliases.push(m.displayModelId);
    out.push({
      id: m.modelId,
      displayName: m.displayName || m.displayModelId || m.displayNameShort || m.modelId,
      supportsThinking: m.thinkingDetails !== undefined,
      aliases,
    });
  }
  return out;
}

const lower = (s: string): string => s.trim().toLowerCase();

function globToRegExp(pattern: string): RegExp {
  const body = pattern
    .split("*")
    .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${body}$`, "i");
}

/** Small version numbers in a name (dates and long numbers dropped): claude-opus-4-5-20251101 → [4, 5]. */
function versionOf(name: string): number[] {
  return lower(name)
    .split(/[^0-9a-z]+/)
    .filter((t) => /^\d{1,2}$/.test(t))
    .map(Number);
}

function compareVersions(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Best live model of a family (ids containing `word`): the requested version if present,
 * else the same major version, else the newest; the plainest (shortest) id on ties.
 */
function pickFamily(word: string, requested: number[], live: readonly CursorModel[]): CursorModel | undefined {
  const candidates = live.filter((m) => lower(m.id).includes(word));
  const score = (m: CursorModel): number => {
    const v = versionOf(m.id);
    if (requested.length > 0 && compareVersions(v, requested) === 0) return 2;
    if (requested.length > 0 && v[0] === requested[0]) return 1;
    return 0;
  };
  return [...candidates].sort(
    (a, b) => score(b) - score(a) || compareVersions(versionOf(b.id), versionOf(a.id)) || a.id.length - b.id.length,
  )[0];
}

/** The o-series generation of a name (o3-pro → 3), or -1. */
const oGeneration = (name: string): number => Number(/^o(\d{1,2})(?![\d])/.exec(lower(name))?.[1] ?? -1);

/** Best live o model: the requested generation if present, else the newest; the plainest id on ties. */
function pickOSeries(requested: number, live: readonly CursorModel[]): CursorModel | undefined {
  return live
    .filter((m) => oGeneration(m.id) >= 0)
    .sort(
      (a, b) =>
        Number(oGeneration(b.id) === requested) - Number(oGeneration(a.id) === requested) ||
        oGeneration(b.id) - oGeneration(a.id) ||
        a.id.length - b.id.length,
    )[0];
}

/** Best live Gemini model of the same tier (pro, flash) as the name, if it names one. */
function pickGeminiTier(base: string, live: readonly CursorModel[]): CursorModel | undefined {
  const tier = /^gemini-.*?\b(pro|flash)\b/.exec(base)?.[1];
  if (tier === undefined) return undefined;
  const sameTier = live.filter((m) => lower(m.id).includes("gemini") && lower(m.id).includes(tier));
  return pickFamily("gemini", versionOf(base), sameTier);
}

/**
 * The model families a client name may belong to, and where each looks in the live list:
 * `cursor` holds words of Cursor model ids, tried in order (the requested version first
 * within each); when none is live, the first live model is used. This table is the one
 * place to teach the relay a new family of client names.
 */
export interface ModelFamily {
  family: string;
  /** Matches the client's model name (lower case, provider prefix removed). */
  client: RegExp;
  /** A family whose ids cannot be found by a word (the o-series: o3, o4-mini) picks its own first. */
  pick?: (base: string, live: readonly CursorModel[]) => CursorModel | undefined;
  cursor: readonly string[];
}

export const MODEL_FAMILIES: readonly ModelFamily[] = Object.freeze([
  { family: "claude-opus", client: /^(?:claude-)?(?:[\d.-]*-)?opus\b|^claude-.*\bopus\b/, cursor: ["opus", "sonnet", "claude"] },
  { family: "claude-sonnet", client: /^(?:claude-)?(?:[\d.-]*-)?sonnet\b|^claude-.*\bsonnet\b/, cursor: ["sonnet", "opus", "claude"] },
  { family: "claude-haiku", client: /^(?:claude-)?(?:[\d.-]*-)?haiku\b|^claude-.*\bhaiku\b/, cursor: ["haiku", "sonnet", "claude"] },
  // OpenAI's coding models (codex-mini-latest, gpt-5-codex, …) prefer Cursor's codex models,
  // the o-series (o3, o4-mini, …) its o models; both then fall back to gpt.
  { family: "codex", client: /(?:^|-)codex(?:-|$)/, cursor: ["codex", "gpt"] },
  { family: "o-series", client: /^o\d{1,2}(?!\d)/, pick: (base, live) => pickOSeries(oGeneration(base), live), cursor: ["gpt"] },
  { family: "gpt", client: /^gpt-/, cursor: ["gpt"] },
  // Gemini names keep their tier (pro, flash) where Cursor has one, then any Gemini model.
  { family: "gemini", client: /^gemini-/, pick: (base, live) => pickGeminiTier(base, live), cursor: ["gemini"] },
]);

/** Client names the `models` command shows the mapping of (what Claude Code, the SDKs and the CLIs send). */
export const COMMON_CLIENT_MODELS: readonly string[] = Object.freeze([
  "claude-opus-4-5",
  "claude-opus-4-1",
  "claude-sonnet-4-5",
  "claude-sonnet-4",
  "claude-haiku-4-5",
  "gpt-5",
  "gpt-5-codex",
  "o3",
  "gpt-4o",
  "gemini-2.5-pro",
  "gemini-2.5-flash",
]);

/**
 * How a client name became a Cursor model id: `override` (modelMap), `exact` (a live id),
 * `alias` (a live alias or display name), or a guess — `family` (the closest live model of
 * its family), `default` (`default`/`auto`: the first live model), `prefix` (a live id
 * starting with the name).
 */
export type ModelMatch = "override" | "exact" | "alias" | "family" | "default" | "prefix";

export interface ModelResolution {
  clientModel: string;
  cursorModel: string;
  match: ModelMatch;
  /** The family table entry used, for `family`. */
  family?: string;
}

/** True when the relay chose the model (the user should be told which). */
export const isGuess = (r: ModelResolution): boolean => r.match === "family" || r.match === "default" || r.match === "prefix";

/**
 * Maps a client model name to a Cursor model id. Order: overrides (exact, then `*`
 * patterns), exact live id, live alias/display id, the family table, `default`/`auto`,
 * then a live id starting with the name. Throws a 404 invalid_request RelayError only
 * when nothing matches at all.
 */
export function explainModel(
  clientName: string,
  liveModels: readonly CursorModel[],
  overrides: Record<string, string> = {},
): ModelResolution {
  const name = lower(clientName);
  if (name === "") throw unknownModel(clientName, liveModels);
  const found = (cursorModel: string, match: ModelMatch, family?: string): ModelResolution => ({
    clientModel: clientName,
    cursorModel,
    match,
    ...(family !== undefined ? { family } : {}),
  });

  const entries = Object.entries(overrides);
  const exactOverride = entries.find(([k]) => !k.includes("*") && lower(k) === name);
  if (exactOverride) return found(exactOverride[1], "override");
  const patternOverride = entries
    .filter(([k]) => k.includes("*"))
    .sort((a, b) => b[0].length - a[0].length)
    .find(([k]) => globToRegExp(k).test(name));
  if (patternOverride) return found(patternOverride[1], "override");

  const names = [name];
  const slash = name.lastIndexOf("/");
  if (slash >= 0 && slash < name.length - 1) names.push(name.slice(slash + 1));
  for (const n of names) {
    const exact = liveModels.find((m) => lower(m.id) === n);
    if (exact) return found(exact.id, "exact");
  }
  for (const n of names) {
    const alias = liveModels.find((m) => m.aliases.some((a) => lower(a) === n) || lower(m.displayName) === n);
    if (alias) return found(alias.id, "alias");
  }

  const base = names[names.length - 1]!;
  const family = MODEL_FAMILIES.find((f) => f.client.test(base));
  if (family) {
    const picked = family.pick?.(base, liveModels);
    if (picked) return found(picked.id, "family", family.family);
    const requested = versionOf(base);
    for (const word of family.cursor) {
      const hit = pickFamily(word, requested, liveModels);
      if (hit) return found(hit.id, "family", family.family);
    }
    if (liveModels[0]) return found(liveModels[0].id, "family", family.family);
  }
  if ((base === "default" || base === "auto") && liveModels[0]) return found(liveModels[0].id, "default");

  const prefixed = liveModels.filter((m) => lower(m.id).startsWith(base)).sort((a, b) => a.id.length - b.id.length)[0];
  if (prefixed) return found(prefixed.id, "prefix");
  throw unknownModel(clientName, liveModels);
}

/** The Cursor model id for a client model name (see explainModel). */
export function resolveModel(clientName: string, liveModels: readonly CursorModel[], overrides: Record<string, string> = {}): string {
  return explainModel(clientName, liveModels, overrides).cursorModel;
}

function unknownModel(clientName: string, live: readonly CursorModel[]): RelayError {
  const list = live.map((m) => m.id).slice(0, 20).join(", ");
  return new RelayError({
    kind: "invalid_request",
    status: 404,
    message: `Unknown model "${clientName}": it matches no Cursor model${list ? ` (available: ${list})` : ""}. Add it to the model map to choose one.`,
  });
}
