// Cursor's usage figures inside the relay: the poller (interval and routing policy from
// settings.json unless the options say otherwise), quota.json kept up to date, and the
// routing that steers each request to the account with room in its model's pool.
import { createQuotaFileWriter, readQuotaFile } from "../accounts/quota-file.ts";
import { createQuotaPoller, type QuotaPoller } from "../accounts/quota-poller.ts";
import { createQuotaRouting, type QuotaRouting } from "../accounts/quota-routing.ts";
import type { AccountRegistry } from "../accounts/registry.ts";
import type { SettingsStore } from "../accounts/settings-store.ts";
import { createUsageApi } from "../accounts/usage-api.ts";
import { fetchOption, type RelayContext } from "./relay-app-options.ts";
import { readQuotaSettings } from "./quota-settings.ts";

export interface RelayQuota {
  /** The poller; a refresh someone asked for resolves once its figures are on disk too. */
  poller: QuotaPoller;
  routing: QuotaRouting;
  /** Stops polling and writes the last figures. */
  close(): Promise<void>;
}

export function createRelayQuota(ctx: RelayContext, registry: AccountRegistry, settings: SettingsStore): RelayQuota {
  const { options, clock, logger } = ctx;
  const quotaSettings = readQuotaSettings(settings, ctx.warn);
  const quotaFile = createQuotaFileWriter(options.dataDir, (id) => registry.get(id) !== null, (e) =>
    logger.warn("could not save the usage figures", { error: e instanceof Error ? e.message : String(e) }),
  );
  const pollMs = options.quota?.pollMs ?? quotaSettings.pollMs;
  const polled = createQuotaPoller({
    registry,
    api: createUsageApi({ cursorApi: options.cursorApi, clock, ...fetchOption(options) }),
    clock,
    ...(options.quota?.random ? { random: options.quota.random } : {}),
    ...(pollMs ? { intervalMs: pollMs } : {}),
    initial: readQuotaFile(options.dataDir),
    persist: (quotas) => quotaFile.save(quotas),
    logger: logger.child("quota"),
  });
  // The Refresh button, accounts --refresh and tests read the file right after.
  const poller: QuotaPoller = {
    ...polled,
    refresh: async (id) => {
      await polled.refresh(id);
      await quotaFile.flush();
    },
  };
  const routing = createQuotaRouting({ quota: polled, clock, policy: () => options.quota?.routing ?? quotaSettings.routing });
  return {
    poller,
    routing,
    async close() {
      polled.close();
      await quotaFile.flush();
    },
  };
}
