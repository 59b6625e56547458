// The ControlApi over the relay's parts, the snapshot publisher that pushes its snapshots,
// and the wiring that keeps the parts in step: a change anywhere pokes the publisher, a
// quota failure asks for fresh figures, a removed or expired account closes its sessions.
import { followQuotaCooldowns } from "../accounts/quota-cooldowns.ts";
import type { QuotaPoller } from "../accounts/quota-poller.ts";
import type { RelayAccounts } from "./relay-accounts.ts";
import type { RelayContext } from "./relay-app-options.ts";
import type { RelayKeyHolder } from "./relay-key.ts";
import type { RelayListening } from "./relay-listening.ts";
import type { RelayTurns } from "./relay-turns.ts";
import { createControlApi, type ControlImpl } from "./control.ts";
import { createSnapshotPublisher, type SnapshotPublisher } from "./snapshot-publisher.ts";

/** The proxy's on/off switch: the gateway reads it, the control API flips it. */
export interface ProxySwitch {
  on: boolean;
}

export interface RelayControl {
  control: ControlImpl;
  /** Something changed: a snapshot goes out soon. */
  changed(): void;
  /** Stops following the parts' changes (first thing on stop). */
  unfollow(): void;
  /** Closes the publisher: no snapshot goes out any more. */
  close(): void;
}

interface ControlParts {
  accounts: RelayAccounts;
  turns: RelayTurns;
  quota: QuotaPoller;
  relayKey: RelayKeyHolder;
  listening: RelayListening;
  proxy: ProxySwitch;
}

export function createRelayControl(ctx: RelayContext, parts: ControlParts): RelayControl {
  let publisher: SnapshotPublisher | null = null;
  const control = createRelayControlApi(ctx, parts, () => publisher);
  publisher = createSnapshotPublisher({ clock: ctx.clock, build: control.buildSnapshot, logger: ctx.logger });
  const stopFollowing = followParts(ctx, parts, () => publisher?.changed());
  return {
    control,
    changed: () => publisher?.changed(),
    unfollow: stopFollowing,
    close() {
      publisher?.close();
      publisher = null;
    },
  };
}

function createRelayControlApi(ctx: RelayContext, parts: ControlParts, publisher: () => SnapshotPublisher | null): ControlImpl {
  const { options, clock } = ctx;
  const { accounts, turns, relayKey, listening, proxy } = parts;
  const { registry, secrets } = accounts.opened;
  return createControlApi({
    clock,
    registry,
    rotation: accounts.rotation,
    sessions: turns.sessions,
    logins: accounts.logins,
    stats: turns.stats,
    proxy: () => ({ running: proxy.on, url: listening.url, startedAt: listening.startedAt, ephemeralPort: options.port === 0 }),
    setProxyEnabled: (on) => {
      proxy.on = on;
      publisher()?.changed();
    },
    relayKey: relayKey.current,
    regenerateRelayKey: relayKey.regenerate,
    publisher,
    ...(options.home ? { home: options.home } : {}),
    selfTest: async () => {
      const { runDoctor } = await import("../doctor/doctor.ts");
      const run = { dataDir: options.dataDir, cursorApi: options.cursorApi, clock, relayKey: relayKey.current(), openSecrets: async () => secrets, registry: () => registry };
      const clientVersion = turns.tuning.clientVersion;
      return (await runDoctor({ ...run, ...(clientVersion ? { clientVersion } : {}) })).report;
    },
    quota: parts.quota,
  });
}

/** Subscribes to every part's changes; returns the one unsubscribe. */
function followParts(ctx: RelayContext, parts: ControlParts, poke: () => void): () => void {
  const { rotation, logins } = parts.accounts;
  const { registry } = parts.accounts.opened;
  const { sessions } = parts.turns;
  const quota = parts.quota;
  const unsubscribers = [
    rotation.onChange(poke),
    quota.onChange(poke),
    followQuotaCooldowns({ quota, rotation, clock: ctx.clock, accountIds: () => registry.list().map((a) => a.id) }),
    // A quota failure: read that account's figures soon, so a cooldown can follow the real limit.
    rotation.onChange((change) => {
      if (change.type === "cooling" && rotation.view(change.accountId).cooldownStatus === 429) quota.afterQuotaFailure(change.accountId);
    }),
    sessions.onChange(poke),
    registry.onChange((change) => {
      if (change.type === "removed" || change.type === "auth_expired") sessions.closeAccount(change.accountId);
      poke();
    }),
    logins.onChange(poke),
  ];
  return () => {
    for (const u of unsubscribers) u();
  };
}
