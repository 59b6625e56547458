// Each account's model list from GetUsableModels: served from cache for a while, one fetch
// per account at a time, and on failure the last good list (or the built-in one).
import { createContextValues, type Client } from "@connectrpc/connect";
import { createHash } from "node:crypto";
import type { AgentService } from "../../proto/gen/agent/v1/agent_service_pb.ts";
import type { Clock } from "../base/clock.ts";
import { classifyCursorError } from "./error-classification.ts";
import { cloneModels, FALLBACK_MODELS, modelsFromResponse } from "./models.ts";
import { ACCESS_TOKEN } from "./transport.ts";
import type { CursorModel } from "./types.ts";
import { noteUpstreamError } from "./upstream-errors.ts";

export interface ModelList {
  models: CursorModel[];
  /** "live": fetched from Cursor (possibly the last good list); "builtin": never fetched for this account. */
  source: "live" | "builtin";
}

export interface ModelCacheOptions {
  client: Client<typeof AgentService>;
  clock: Clock;
  /** How long a fetched list is served before refetching. */
  cacheMs: number;
  /** Timeout of one GetUsableModels call. */
  timeoutMs: number;
  onDiagnostic?: (message: string) => void;
}

export interface ModelCache {
  getUsableModels(accessToken: string, cacheKey?: string): Promise<CursorModel[]>;
  modelList(accessToken: string, cacheKey?: string): Promise<ModelList>;
  /** Marks one account's cached model list stale (kept as the last good one until a fetch succeeds), or forgets all. */
  invalidate(cacheKey?: string): void;
}

interface CacheEntry {
  models: CursorModel[];
  fetchedAt: number;
}

const keyOf = (accessToken: string, cacheKey?: string): string =>
  cacheKey ?? "token:" + createHash("sha256").update(accessToken).digest("hex").slice(0, 16);

export function createModelCache(options: ModelCacheOptions): ModelCache {
  const { clock } = options;
  const lastGood = new Map<string, CacheEntry>();
  const inflight = new Map<string, Promise<CursorModel[]>>();

  async function fetchModels(accessToken: string, key: string): Promise<CursorModel[]> {
    try {
      const res = await options.client.getUsableModels({}, { contextValues: createContextValues().set(ACCESS_TOKEN, accessToken), timeoutMs: options.timeoutMs });
      const models = modelsFromResponse(res);
      if (models.length === 0) throw new Error("GetUsableModels returned no models");
      lastGood.set(key, { models, fetchedAt: clock.now() });
      return cloneModels(models);
    } catch (e) {
      const err = classifyCursorError(e, clock.now());
      noteUpstreamError(err);
      options.onDiagnostic?.(`cursor: model list unavailable (${err.message}); using ${lastGood.has(key) ? "last good list" : "fallback list"}`);
      return cloneModels(lastGood.get(key)?.models ?? FALLBACK_MODELS);
    }
  }

  async function getUsableModels(accessToken: string, cacheKey?: string): Promise<CursorModel[]> {
    const key = keyOf(accessToken, cacheKey);
    const cached = lastGood.get(key);
    if (cached && clock.now() - cached.fetchedAt < options.cacheMs) return cloneModels(cached.models);
    let p = inflight.get(key);
    if (!p) {
      p = fetchModels(accessToken, key).finally(() => inflight.delete(key));
      inflight.set(key, p);
    }
    return cloneModels(await p);
  }

  return {
    getUsableModels,
    async modelList(accessToken, cacheKey) {
      const models = await getUsableModels(accessToken, cacheKey);
      return { models, source: lastGood.has(keyOf(accessToken, cacheKey)) ? "live" : "builtin" };
    },
    invalidate(cacheKey) {
      if (cacheKey === undefined) lastGood.clear();
      else {
        const entry = lastGood.get(cacheKey);
        // keep the list as "last good", only make it stale
        if (entry) entry.fetchedAt = Number.NEGATIVE_INFINITY;
      }
    },
  };
}
