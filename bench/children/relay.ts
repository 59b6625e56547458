// The relay in its own process, so its RSS and CPU are its own, not the load
// generator's. argv[2]: JSON { cursorApi, accounts?, gateway?, sessions? }. It logs in
// the accounts through the fake's browser-login flow (as the tests do), with the file
// secret store in a temp data dir, so no keychain is needed.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeHeapSnapshot } from "node:v8";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { startLogin } from "../../app/accounts/login.ts";
import { systemClock } from "../../app/base/clock.ts";
import { tuneHeapForRelay } from "../../app/relay/heap-tuning.ts";
import { createLogger } from "../../app/base/log.ts";
import { createRelayApp, type RelayAppOptions } from "../../app/relay/relay-app.ts";
import { serveCalls } from "../lib/child.ts";

interface RelayChildConfig {
  cursorApi: string;
  /** Sample memoryUsage() every 50 ms to see what the peak is made of (it costs CPU: memory figure only). */
  sampleMemory?: boolean;
  accounts?: number;
  gateway?: RelayAppOptions["gateway"];
  sessions?: RelayAppOptions["sessions"];
}

// The relay's own timers are unref'd (they never hold a process open); this one keeps the
// child alive while it logs in and between calls.
setInterval(() => {}, 1 << 30);

// The same process tuning `cursor-relay serve` applies.
tuneHeapForRelay();
const config = JSON.parse(process.argv[2] ?? "{}") as RelayChildConfig;
const dataDir = mkdtempSync(join(tmpdir(), "cr-bench-relay-"));
const app = await createRelayApp({
  dataDir,
  cursorApi: config.cursorApi,
  secretStore: "file",
  host: "127.0.0.1",
  port: 0,
  apiKey: "bench-relay-key-0123456789",
  logger: createLogger({ level: "warn" }),
  warn: () => {},
  openBrowser: null,
  runtimeFile: false,
  ...(config.gateway ? { gateway: config.gateway } : {}),
  ...(config.sessions ? { sessions: config.sessions } : {}),
});
for (let i = 0; i < (config.accounts ?? 1); i++) {
  const login = startLogin({
    cursorApi: config.cursorApi,
    label: `bench-${i + 1}`,
    clock: systemClock,
    registry: app.parts.accounts.registry,
    poll: { firstDelayMs: 0, maxDelayMs: 20 },
  });
  await login.done;
}
await app.start();

let maxLive = 0;
/** The memoryUsage() sample with the highest RSS (what made up the peak). */
let peakSample: NodeJS.MemoryUsage = process.memoryUsage();
let tick = 0;
const sampler = setInterval(() => {
  maxLive = Math.max(maxLive, app.parts.sessions.liveCount);
  if (config.sampleMemory && ++tick % 5 === 0) {
    const m = process.memoryUsage();
    if (m.rss > peakSample.rss) peakSample = m;
  }
}, 10);
sampler.unref();

const gc = (globalThis as { gc?: () => void }).gc;

const loopDelay = monitorEventLoopDelay({ resolution: 1 });
loopDelay.enable();

/** Back-to-back usage reads through the relay's own poller while on (the polls bench figure). */
const usagePolling = { on: false, reads: 0, loop: Promise.resolve() };
async function pollUsageConstantly(): Promise<void> {
  while (usagePolling.on) {
    await app.parts.quota.refresh();
    usagePolling.reads++;
  }
}

serveCalls(
  {
    info: () => ({ url: app.url, key: app.relayKey() }),
    /** RSS now (after a full GC when collect is true) and the process's peak RSS so far, in bytes. */
    memory: (collect: boolean) => {
      if (collect && gc) {
        gc();
        gc();
      }
      const m = process.memoryUsage();
      return { rss: m.rss, heapUsed: m.heapUsed, external: m.external, maxRss: process.resourceUsage().maxRSS * 1024, peakSample };
    },
    /** For digging into a memory figure: writes a heap snapshot, returns its path. */
    heapSnapshot: (dir: string) => writeHeapSnapshot(join(dir, `relay-${process.pid}-${Date.now()}.heapsnapshot`)),
    /** Output tokens the relay counted over every account since it started. */
    outputTokens: () => app.parts.rotation.views().reduce((n, v) => n + v.tokensTotal.output, 0),
    /** Live sessions now and the most seen at once since the last call. */
    sessions: () => {
      const out = { live: app.parts.sessions.liveCount, maxLive: Math.max(maxLive, app.parts.sessions.liveCount) };
      maxLive = app.parts.sessions.liveCount;
      return out;
    },
    /** The event loop's delay (ms) since the last call: p99 and max; then starts afresh. */
    loopDelay: () => {
      const out = { p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6 };
      loopDelay.reset();
      return out;
    },
    /** Starts or stops constant usage polling; answers the reads completed since the last start. */
    usagePolls: async (on: boolean) => {
      if (on && !usagePolling.on) {
        usagePolling.on = true;
        usagePolling.reads = 0;
        usagePolling.loop = pollUsageConstantly();
      } else if (!on && usagePolling.on) {
        usagePolling.on = false;
        await usagePolling.loop;
      }
      return usagePolling.reads;
    },
  },
  async () => {
    await app.stop();
    rmSync(dataDir, { recursive: true, force: true });
  },
);
