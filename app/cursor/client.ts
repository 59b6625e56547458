// createCursorClient: Runs and the model list over one shared Connect/HTTP/2 transport.
import { randomUUID } from "node:crypto";
import { systemClock, type Clock } from "../base/clock.ts";
import { createModelCache, type ModelList } from "./model-cache.ts";
import { explainModel, type ModelResolution } from "./models.ts";
import { CursorRunStream, type RunDeps } from "./run.ts";
import { createCursorTransport, DEFAULT_BASE_URL, DEFAULT_CLIENT_VERSION, type CursorTransport } from "./transport.ts";
import type { CursorClient, CursorRun, RunOptions } from "./types.ts";

export type { ModelList } from "./model-cache.ts";

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
  /** Marks one account's cached model list stale (kept as the last good one until a fetch succeeds), or forgets all. */
  invalidateModels(cacheKey?: string): void;
  /** Closes the shared HTTP/2 connection; open runs fail. */
  close(): void;
}

/** The watchdogs of every Run: 90 s without any frame; the heartbeats-only limit only when set. */
export function runTimeouts(options: Pick<CursorClientOptions, "stallTimeoutMs" | "progressTimeoutMs">): Pick<RunDeps, "stallTimeoutMs" | "progressTimeoutMs"> {
  return {
    stallTimeoutMs: options.stallTimeoutMs ?? 90_000,
    ...(options.progressTimeoutMs !== undefined ? { progressTimeoutMs: options.progressTimeoutMs } : {}),
  };
}

/** Everything a Run needs from the client's options. */
function runDeps(options: CursorClientOptions, transport: CursorTransport, clock: Clock, newUuid: () => string): RunDeps {
  return {
    client: transport.client,
    clock,
    heartbeatMs: options.heartbeatMs ?? 5000,
    ...runTimeouts(options),
    newUuid,
    ...(options.onDiagnostic ? { onDiagnostic: options.onDiagnostic } : {}),
  };
}

function transportFor(options: CursorClientOptions, clock: Clock, newUuid: () => string): CursorTransport {
  return createCursorTransport({
    baseUrl: options.baseUrl ?? DEFAULT_BASE_URL,
    clientVersion: options.clientVersion ?? DEFAULT_CLIENT_VERSION,
    newRequestId: newUuid,
    clock,
    ...(options.idleConnectionTimeoutMs !== undefined ? { idleConnectionTimeoutMs: options.idleConnectionTimeoutMs } : {}),
    ...(options.maxFrameBytes !== undefined ? { maxFrameBytes: options.maxFrameBytes } : {}),
  });
}

export function createCursorClient(options: CursorClientOptions = {}): CursorClientHandle {
  const clock = options.clock ?? systemClock;
  const newUuid = options.newUuid ?? randomUUID;
  const transport = transportFor(options, clock, newUuid);
  const models = createModelCache({
    client: transport.client,
    clock,
    cacheMs: options.modelCacheMs ?? 5 * 60_000,
    timeoutMs: options.modelsTimeoutMs ?? 5000,
    ...(options.onDiagnostic ? { onDiagnostic: options.onDiagnostic } : {}),
  });
  // The same for every Run: built once, not per turn.
  const deps = runDeps(options, transport, clock, newUuid);
  return {
    run: (runOptions: RunOptions): CursorRun => new CursorRunStream(deps, runOptions),
    getUsableModels: models.getUsableModels,
    modelList: models.modelList,
    async resolveModelId(clientName, accessToken, cacheKey) {
      const { models: list, source } = await models.modelList(accessToken, cacheKey);
      const resolution = { ...explainModel(clientName, list, options.modelMap ?? {}), source };
      if (cacheKey !== undefined) options.onModelResolved?.(resolution, cacheKey);
      return resolution.cursorModel;
    },
    invalidateModels: models.invalidate,
    close: () => transport.close(),
  };
}
