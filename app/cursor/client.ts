// createCursorClient: Runs and the model list over one shared Connect/HTTP/2 transport.
import { createContextValues } from "@connectrpc/connect";
import { createHash, randomUUID } from "node:crypto";
import { systemClock, type Clock } from "../base/clock.ts";
import { classifyCursorError } from "./error-classification.ts";
import { cloneModels, explainModel, FALLBACK_MODELS, modelsFromResponse, type ModelResolution } from "./models.ts";
import { CursorRunStream, type RunDeps } from "./run.ts";
import { ACCESS_TOKEN, createCursorTransport, DEFAULT_BASE_URL, DEFAULT_CLIENT_VERSION } from "./transport.ts";
import type { CursorClient, CursorModel, CursorRun, RunOptions } from "./types.ts";
import { noteUpstreamError } from "./upstream-errors.ts";

export interface CursorClientOptions {
  /** Default https://api2.cursor.sh; tests point it at the fake (h2c). */
  baseUrl?: string;
  clock?: Clock;
  /** Client heartbeat cadence (default 5000 ms, docs/protocol.md §5.6). */
  heartbeatMs?: number;
  /** Fail a Run with 504 when no frame arrives for this long (default 90000 ms). */
  stallTimeoutMs?: number;
  /**
   * Fail a Run with 504 when only heartbeats arrive for this long, unless a tool call waits
   * for the client. Off by default: Cursor keeps long server-side work alive with
   * heartbeats, and its own client only gives up when no frame at all arrives.
   */
  progressTimeoutMs?: number;
  /** x-cursor-client-version, `cli-YYYY.MM.DD-<7hex>`. */
  clientVersion?: string;
  /** How long a fetched model list is served from cache before refetching (default 5 min). */
  modelCacheMs?: number;
  /** Timeout of one GetUsableModels call (default 5000 ms). */
  modelsTimeoutMs?: number;
  /** Client model name (exact, or a `*` pattern) → Cursor model id; wins over built-in mapping. */
  modelMap?: Record<string, string>;
  /** Told how each client model name of a turn was mapped, with the account (cache key) it was mapped for. */
  onModelResolved?: (resolution: ModelResolution & { source: ModelList["source"] }, cacheKey: string) => void;
  /** Close the shared HTTP/2 connection after this long without streams (default 15000 ms). */
  idleConnectionTimeoutMs?: number;
  /** Largest server frame accepted (default 64 MiB); a bigger one fails that call with 502. */
  maxFrameBytes?: number;
  /** Injected for deterministic ids in tests. */
  newUuid?: () => string;
  onDiagnostic?: (message: string) => void;
}

/** The CursorClient contract plus what the owner of the client needs. */
export interface CursorClientHandle extends CursorClient {
  /** The account's model list and where it came from: Cursor (now or earlier), or the built-in list. */
  modelList(accessToken: string, cacheKey?: string): Promise<ModelList>;
  /** resolveModelId, with how the name was matched and where the list came from. */
  explainModelId(clientName: string, accessToken: string, cacheKey?: string): Promise<ModelResolution & { source: ModelList["source"] }>;
  /** Forget the cached model list of one account (or all). */
  invalidateModels(cacheKey?: string): void;
  /** Closes the shared HTTP/2 connection; open runs fail. */
  close(): void;
}

export interface ModelList {
  models: CursorModel[];
  /** "live": fetched from Cursor (possibly the last good list); "builtin": never fetched for this account. */
  source: "live" | "builtin";
}

interface CacheEntry {
  models: CursorModel[];
  fetchedAt: number;
}

const keyOf = (accessToken: string, cacheKey?: string): string =>
  cacheKey ?? "token:" + createHash("sha256").update(accessToken).digest("hex").slice(0, 16);

/** The watchdogs of every Run: 90 s without any frame; the heartbeats-only limit only when set. */
export function runTimeouts(options: Pick<CursorClientOptions, "stallTimeoutMs" | "progressTimeoutMs">): Pick<RunDeps, "stallTimeoutMs" | "progressTimeoutMs"> {
  return {
    stallTimeoutMs: options.stallTimeoutMs ?? 90_000,
    ...(options.progressTimeoutMs !== undefined ? { progressTimeoutMs: options.progressTimeoutMs } : {}),
  };
}

export function createCursorClient(options: CursorClientOptions = {}): CursorClientHandle {
  const clock = options.clock ?? systemClock;
  const newUuid = options.newUuid ?? randomUUID;
  const transport = createCursorTransport({
    baseUrl: options.baseUrl ?? DEFAULT_BASE_URL,
    clientVersion: options.clientVersion ?? DEFAULT_CLIENT_VERSION,
    newRequestId: newUuid,
    clock,
    ...(options.idleConnectionTimeoutMs !== undefined ? { idleConnectionTimeoutMs: options.idleConnectionTimeoutMs } : {}),
    ...(options.maxFrameBytes !== undefined ? { maxFrameBytes: options.maxFrameBytes } : {}),
  });
  const modelCacheMs = options.modelCacheMs ?? 5 * 60_000;
  const lastGood = new Map<string, CacheEntry>();
  const inflight = new Map<string, Promise<CursorModel[]>>();

  async function fetchModels(accessToken: string, key: string): Promise<CursorModel[]> {
    try {
      const res = await transport.client.getUsableModels(
        {},
        { contextValues: createContextValues().set(ACCESS_TOKEN, accessToken), timeoutMs: options.modelsTimeoutMs ?? 5000 },
      );
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

  const client: CursorClientHandle = {
    run(runOptions: RunOptions): CursorRun {
      return new CursorRunStream(
        {
          client: transport.client,
          clock,
          heartbeatMs: options.heartbeatMs ?? 5000,
          ...runTimeouts(options),
          newUuid,
          ...(options.onDiagnostic ? { onDiagnostic: options.onDiagnostic } : {}),
        },
        runOptions,
      );
    },

    async getUsableModels(accessToken: string, cacheKey?: string): Promise<CursorModel[]> {
      const key = keyOf(accessToken, cacheKey);
      const cached = lastGood.get(key);
      if (cached && clock.now() - cached.fetchedAt < modelCacheMs) return cloneModels(cached.models);
      let p = inflight.get(key);
      if (!p) {
        p = fetchModels(accessToken, key).finally(() => inflight.delete(key));
        inflight.set(key, p);
      }
      return cloneModels(await p);
    },

    async resolveModelId(clientName: string, accessToken: string, cacheKey?: string): Promise<string> {
      const resolution = await client.explainModelId(clientName, accessToken, cacheKey);
      if (cacheKey !== undefined) options.onModelResolved?.(resolution, cacheKey);
      return resolution.cursorModel;
    },

    async modelList(accessToken: string, cacheKey?: string): Promise<ModelList> {
      const models = await client.getUsableModels(accessToken, cacheKey);
      return { models, source: lastGood.has(keyOf(accessToken, cacheKey)) ? "live" : "builtin" };
    },

    async explainModelId(clientName: string, accessToken: string, cacheKey?: string) {
      const { models, source } = await client.modelList(accessToken, cacheKey);
      return { ...explainModel(clientName, models, options.modelMap ?? {}), source };
    },

    invalidateModels(cacheKey?: string): void {
      if (cacheKey === undefined) lastGood.clear();
      else {
        const entry = lastGood.get(cacheKey);
        // keep the list as "last good", only make it stale
        if (entry) entry.fetchedAt = Number.NEGATIVE_INFINITY;
      }
    },

    close(): void {
      transport.close();
    },
  };
  return client;
}
