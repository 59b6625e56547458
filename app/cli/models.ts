// cursor-relay models [--json] [client model names…]: Cursor's live model list (for the
// first ready account) and which Cursor model each common client name — and any name
// given — maps to, and why. When the live list cannot be fetched it says the built-in
// list is used. modelMap in settings.json is applied as the relay applies it.
import type { CommandIo } from "./io.ts";
import { commandArgs } from "./options.ts";
import { systemClock } from "../base/clock.ts";
import { toRelayError } from "../base/errors.ts";
import { readModelMap } from "../relay/model-map.ts";
import { openAccounts } from "../accounts/open-accounts.ts";
import { accountStateOf, readStateFile, stateFileStatusSource } from "../accounts/status-source.ts";
import type { KeytarLike } from "../accounts/secret-store-keytar.ts";
import type { CursorModel } from "../cursor/types.ts";
import { cloneModels, COMMON_CLIENT_MODELS, explainModel, FALLBACK_MODELS, type ModelMatch } from "../cursor/models.ts";

const usage = `usage: cursor-relay models [--json] [client-model ...]
  the live Cursor model list (first ready account) and what each common client model name,
  and every name given, maps to
options: [--data-dir DIR] [--cursor-api URL] [--secret-store keychain|file]`;

export interface ModelsReport {
  /** The account whose list this is (null: no ready account). */
  account: string | null;
  source: "live" | "builtin";
  /** Why the built-in list is used (no ready account, or the fetch failed). */
  note: string | null;
  models: CursorModel[];
  mappings: { clientModel: string; cursorModel: string | null; match: ModelMatch | null; family: string | null; error: string | null }[];
}

export async function modelsCommand(argv: string[], io: CommandIo, deps: { keytar?: KeytarLike } = {}): Promise<number> {
  const args = commandArgs(argv, { json: { type: "boolean" } }, usage, io, { positionals: true });
  if (args === null) return 0;
  const { global, values, positionals } = args;
  const warn = (m: string) => io.err(`warning: ${m}`);
  const { registry, settings } = await openAccounts({ ...global, warn, refreshTimers: false, clock: systemClock, ...(deps.keytar ? { keytar: deps.keytar } : {}) });
  // Loaded only here: the Cursor client's modules are large and other commands never need them.
  const { createCursorClient } = await import("../cursor/client.ts");
  const cursor = createCursorClient({ baseUrl: global.cursorApi, onDiagnostic: () => {} });
  try {
    const status = stateFileStatusSource(readStateFile(global.dataDir, systemClock.now(), warn), () => systemClock.now());
    const ready = registry.list().find((a) => accountStateOf(a, status.status(a.id), systemClock.now()) === "ready");
    let report: Omit<ModelsReport, "mappings">;
    if (!ready) {
      report = { account: null, source: "builtin", note: "no ready account; using the relay's built-in model list", models: cloneModels(FALLBACK_MODELS) };
    } else {
      let token: string | null = null;
      let failure: string | null = null;
      try {
        token = await registry.getAccessToken(ready.id);
      } catch (e) {
        failure = toRelayError(e).message;
      }
      const list = token === null ? null : await cursor.modelList(token, ready.id);
      const models = list?.models ?? cloneModels(FALLBACK_MODELS);
      const source = list?.source ?? "builtin";
      report = {
        account: ready.id,
        source,
        note: source === "live" ? null : `Cursor's model list could not be fetched${failure ? ` (${failure})` : ""}; using the relay's built-in model list`,
        models,
      };
    }
    const overrides = readModelMap(settings, warn);
    const names = [...new Set([...COMMON_CLIENT_MODELS, ...positionals])];
    const mappings = names.map((clientModel) => {
      try {
        const r = explainModel(clientModel, report.models, overrides);
        return { clientModel, cursorModel: r.cursorModel, match: r.match, family: r.family ?? null, error: null };
      } catch (e) {
        return { clientModel, cursorModel: null, match: null, family: null, error: toRelayError(e).message };
      }
    });
    const full: ModelsReport = { ...report, mappings };
    if (values.json === true) io.out(JSON.stringify(full, null, 2));
    else for (const line of formatModels(full)) io.out(line);
    return 0;
  } finally {
    cursor.close();
    registry.close();
  }
}

const WHY: Record<ModelMatch, string> = {
  override: "modelMap in settings.json",
  exact: "a live Cursor model id",
  alias: "a live alias",
  family: "closest live model of the family",
  default: "the first live model",
  prefix: "a live id starting with the name",
};

export function formatModels(r: ModelsReport): string[] {
  const lines: string[] = [];
  if (r.note) lines.push(`note: ${r.note}`);
  lines.push(r.source === "live" ? `Cursor models (live list of ${r.account}):` : "Cursor models (built-in list):");
  for (const m of r.models) lines.push(`  ${m.id}${m.aliases.length > 0 ? `  (aliases: ${m.aliases.join(", ")})` : ""}`);
  lines.push("", "Client model names:");
  const width = Math.max(...r.mappings.map((m) => m.clientModel.length));
  for (const m of r.mappings) {
    if (m.cursorModel === null) lines.push(`  ${m.clientModel.padEnd(width)}  ✗ ${m.error}`);
    else lines.push(`  ${m.clientModel.padEnd(width)}  → ${m.cursorModel}  (${WHY[m.match!]}${m.family ? `: ${m.family}` : ""})`);
  }
  return lines;
}
