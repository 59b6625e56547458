// Cursor's model list (GetUsableModels, protocol §9) and the mapping from the model names
// clients send (claude-opus-4-5, gpt-5, …) to Cursor model ids.
import type { GetUsableModelsResponse } from "../../proto/gen/agent/v1/agent_pb.ts";
import { RelayError } from "../core/errors.ts";
import type { CursorModel } from "./types.ts";

/** §9.2 fallback list (early-2026 ids), used when no live list was ever fetched for an account. */
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

const CLAUDE_FAMILIES: Record<string, string[]> = {
  opus: ["opus", "sonnet"],
  sonnet: ["sonnet", "opus"],
  haiku: ["haiku", "sonnet"],
};

/**
 * Maps a client model name to a Cursor model id. Order: overrides (exact, then `*`
 * patterns), exact live id, live alias/display id, the claude-opus/sonnet/haiku, gpt and
 * gemini (pro/flash tier first) families, `default`/`auto`, then a live id starting with the name. Throws a 404
 * invalid_request RelayError only when nothing matches at all.
 */
export function resolveModel(
  clientName: string,
  liveModels: readonly CursorModel[],
  overrides: Record<string, string> = {},
): string {
  const name = lower(clientName);
  if (name === "") throw unknownModel(clientName, liveModels);

  const entries = Object.entries(overrides);
  const exactOverride = entries.find(([k]) => !k.includes("*") && lower(k) === name);
  if (exactOverride) return exactOverride[1];
  const patternOverride = entries
    .filter(([k]) => k.includes("*"))
    .sort((a, b) => b[0].length - a[0].length)
    .find(([k]) => globToRegExp(k).test(name));
  if (patternOverride) return patternOverride[1];

  const names = [name];
  const slash = name.lastIndexOf("/");
  if (slash >= 0 && slash < name.length - 1) names.push(name.slice(slash + 1));
  for (const n of names) {
    const exact = liveModels.find((m) => lower(m.id) === n);
    if (exact) return exact.id;
  }
  for (const n of names) {
    const alias = liveModels.find((m) => m.aliases.some((a) => lower(a) === n) || lower(m.displayName) === n);
    if (alias) return alias.id;
  }

  const base = names[names.length - 1]!;
  const claude = /^(?:claude-)?(?:[\d.-]*-)?(opus|sonnet|haiku)\b/.exec(base) ?? /^claude-.*\b(opus|sonnet|haiku)\b/.exec(base);
  if (claude) {
    const requested = versionOf(base);
    for (const word of CLAUDE_FAMILIES[claude[1]!]!) {
      const hit = pickFamily(word, requested, liveModels);
      if (hit) return hit.id;
    }
    const anyClaude = pickFamily("claude", [], liveModels) ?? liveModels[0];
    if (anyClaude) return anyClaude.id;
  }
  if (/^gpt-/.test(base)) {
    const hit = pickFamily("gpt", versionOf(base), liveModels) ?? liveModels[0];
    if (hit) return hit.id;
  }
  const gemini = /^gemini-.*?\b(pro|flash)\b/.exec(base) ?? /^(gemini)-/.exec(base);
  if (gemini) {
    const requested = versionOf(base);
    const tier = gemini[1] === "gemini" ? undefined : gemini[1]!;
    const sameTier = tier === undefined ? [] : liveModels.filter((m) => lower(m.id).includes("gemini") && lower(m.id).includes(tier));
    const hit = pickFamily("gemini", requested, sameTier) ?? pickFamily("gemini", requested, liveModels) ?? liveModels[0];
    if (hit) return hit.id;
  }
  if ((base === "default" || base === "auto") && liveModels[0]) return liveModels[0].id;

  const prefixed = liveModels.filter((m) => lower(m.id).startsWith(base)).sort((a, b) => a.id.length - b.id.length)[0];
  if (prefixed) return prefixed.id;
  throw unknownModel(clientName, liveModels);
}

function unknownModel(clientName: string, live: readonly CursorModel[]): RelayError {
  const list = live.map((m) => m.id).slice(0, 20).join(", ");
  return new RelayError({
    kind: "invalid_request",
    status: 404,
    message: `Unknown model "${clientName}": it matches no Cursor model${list ? ` (available: ${list})` : ""}. Add it to the model map to choose one.`,
  });
}
