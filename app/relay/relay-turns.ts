// How a client's request becomes Cursor turns: the account pool over the rotation and
// the quota routing, the Cursor client (loaded lazily), checkpoints and thread ids in the
// data folder, the session manager, and the gateway in front of it all.
import type { IncomingMessage, ServerResponse } from "node:http";
import { join } from "node:path";
import { createAccountPool } from "../accounts/account-pool.ts";
import type { QuotaRouting } from "../accounts/quota-routing.ts";
import { createLazyCursorClient, type LazyCursorClient } from "../cursor/lazy-client.ts";
import { FALLBACK_MODELS } from "../cursor/models.ts";
import type { CursorModel } from "../cursor/types.ts";
import { createGateway, type Gateway } from "../gateway/gateway.ts";
import { createRequestStats, type RequestStats } from "../gateway/request-stats.ts";
import { createCheckpointFiles } from "../sessions/checkpoint-files.ts";
import { createCheckpointStore, type CheckpointStore } from "../sessions/checkpoint-store.ts";
import { createSessionManager, type SessionManager } from "../sessions/session-manager.ts";
import { openThreadIds } from "../sessions/thread-file.ts";
import { readCursorTuning, type CursorTuning } from "./cursor-tuning.ts";
import { readModelMap } from "./model-map.ts";
import { createModelNotices, type ModelNotices } from "./model-notices.ts";
import type { RelayAccounts } from "./relay-accounts.ts";
import type { RelayContext } from "./relay-app-options.ts";

export interface RelayTurns {
  cursor: LazyCursorClient;
  checkpoints: CheckpointStore;
  sessions: SessionManager;
  stats: RequestStats;
  /** The Cursor client's settings (the self-test uses its client version). */
  tuning: CursorTuning;
  modelNotices: ModelNotices;
  /** Closes the stored checkpoints, thread ids and the Cursor client (sessions close first). */
  closeStores(): void;
  /** Waits for threads.json and checkpoint writes still in flight, so no temp file outlives stop(). */
  flushStores(): Promise<void>;
}

export function createRelayTurns(ctx: RelayContext, accounts: RelayAccounts, routing: QuotaRouting): RelayTurns {
  const { options, clock, logger } = ctx;
  const { registry, settings } = accounts.opened;
  const pool = createAccountPool({ registry, rotation: accounts.rotation, logger: logger.child("pool"), quota: routing });
  // The client's modules load once the relay listens (start() preloads them): they are most of what start-up would import.
  const tuning = { ...readCursorTuning(settings, options.env ?? process.env, ctx.warn), ...options.cursor };
  const modelNotices = createModelNotices(logger.child("models"));
  const cursor = createLazyCursorClient({
    ...tuning,
    modelMap: { ...readModelMap(settings, ctx.warn), ...options.cursor?.modelMap },
    onModelResolved: (resolution, accountId) => modelNotices.resolved(resolution, accountId),
    baseUrl: options.cursorApi,
    clock,
    onDiagnostic: options.cursor?.onDiagnostic ?? ((m) => logger.debug(m)),
  });
  // Checkpoints live in the data folder too, so `claude --resume` after a restart replays them.
  const checkpoints = createCheckpointStore({
    clock,
    persistence: createCheckpointFiles({ dir: join(options.dataDir, "checkpoints"), clock, logger: logger.child("checkpoints") }),
  });
  // Checkpoints of accounts removed while the relay was stopped are never replayed.
  checkpoints.retainAccounts(new Set(registry.list().map((a) => a.id)));
  const threadIds = openThreadIds({ path: join(options.dataDir, "threads.json"), clock, logger: logger.child("threads") });
  const sessions = createSessionManager({ cursor, pool, checkpoints, threads: threadIds.threads, clock, logger: logger.child("sessions"), ...options.sessions });
  return {
    cursor,
    checkpoints,
    sessions,
    stats: createRequestStats(clock),
    tuning,
    modelNotices,
    closeStores() {
      checkpoints.close();
      threadIds.close();
      cursor.close();
    },
    flushStores: async () => void (await Promise.all([threadIds.flush(), checkpoints.flush()])),
  };
}

/** A live model list from any ready account, else the fallback. */
async function listModels(accounts: RelayAccounts, turns: RelayTurns): Promise<CursorModel[]> {
  const { registry } = accounts.opened;
  for (const a of registry.list()) {
    if (!accounts.rotation.isReady(a.id)) continue;
    try {
      const { models, source } = await turns.cursor.modelList(await registry.getAccessToken(a.id), a.id);
      turns.modelNotices.listed(source, a.id);
      return models;
    } catch {
      // try the next account
    }
  }
  return [...FALLBACK_MODELS];
}

/** What the gateway asks of the rest of the relay at each request. */
export interface GatewayDoors {
  relayKey(): string;
  proxyEnabled(): boolean;
  management(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
}

export function createRelayGateway(ctx: RelayContext, accounts: RelayAccounts, turns: RelayTurns, doors: GatewayDoors): Gateway {
  return createGateway({
    sessions: turns.sessions,
    relayKey: doors.relayKey,
    proxyEnabled: doors.proxyEnabled,
    listModels: () => listModels(accounts, turns),
    stats: turns.stats,
    logger: ctx.logger.child("gateway"),
    ...ctx.options.gateway,
    management: doors.management,
  });
}
