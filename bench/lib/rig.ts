// One benchmark setup: the fake Cursor and the relay, each in its own process, with a
// relay client and a direct Connect client in this process (the load generator); on
// request also a bare pass-through forwarder process with a Connect client through it.
import type { Scenario, Turn } from "../../test/fake-cursor/index.ts";
import { startChild, type Child } from "./child.ts";
import { createDirectClient, type DirectClient } from "./direct-client.ts";
import { createRelayClient, type RelayClient } from "./relay-client.ts";

export interface Rig {
  fake: Child;
  relay: Child;
  relayClient: RelayClient;
  direct: DirectClient;
  /** The same Connect client as `direct`, through the pass-through forwarder (when asked for). */
  forwarded: DirectClient | null;
  /** Every Run of every account plays this turn from now on. */
  play(turn: Turn, extra?: Partial<Scenario>): Promise<void>;
  /** Run outcomes on the fake since the last call (after every stream closed). */
  outcomes(): Promise<Record<string, number>>;
  close(): Promise<void>;
}

export interface RigOptions {
  /** HTTP/2 initial window the fake advertises. */
  initialWindowSize?: number;
  /** Extra node flags for the relay process (e.g. --expose-gc, --cpu-prof). */
  relayNodeArgs?: string[];
  /** Also start the pass-through forwarder (bench/children/forwarder.ts) in front of the fake. */
  forwarder?: boolean;
}

/** Turns per client key the relay admits at once: above every load here (1,000 sessions). */
export const BENCH_MAX_CONCURRENT_PER_KEY = 2000;

export async function startRig(options: RigOptions = {}): Promise<Rig> {
  const fake = await startChild("fake", options.initialWindowSize ? { args: [String(options.initialWindowSize)] } : {});
  const fakeUrl = await fake.call<string>("url");
  const base: Scenario = { login: { pendingPolls: 0 }, models: {} };
  await fake.call("setScenario", { ...base, turns: [[{ text: "hi" }, { turnEnded: true }]] });
  const relay = await startChild("relay", {
    compiled: true,
    nodeArgs: options.relayNodeArgs ?? [],
    args: [JSON.stringify({ cursorApi: fakeUrl, accounts: 1, gateway: { maxConcurrentPerKey: BENCH_MAX_CONCURRENT_PER_KEY } })],
  });
  const { url, key } = await relay.call<{ url: string; key: string }>("info");
  const token = await fake.call<string>("mintAccessToken", "auth0|bench_direct");
  const relayClient = createRelayClient(url, key);
  const direct = createDirectClient(fakeUrl, token);
  const forwarder = options.forwarder ? await startChild("forwarder", { compiled: true, args: [fakeUrl] }) : null;
  const forwarded = forwarder ? createDirectClient(await forwarder.call<string>("url"), token) : null;
  return {
    fake,
    relay,
    relayClient,
    direct,
    forwarded,
    play: (turn, extra = {}) => fake.call("setScenario", { ...base, ...extra, turns: [turn] }),
    async outcomes() {
      await fake.call("waitForIdle", 10_000);
      return fake.call<Record<string, number>>("takeOutcomes");
    },
    async close() {
      relayClient.close();
      direct.close();
      forwarded?.close();
      await forwarder?.stop();
      await relay.stop();
      await fake.stop();
    },
  };
}

/** Runs fn against a fresh rig and closes the rig after, whatever fn did. */
export async function withRig<T>(options: RigOptions, fn: (rig: Rig) => Promise<T>): Promise<T> {
  const rig = await startRig(options);
  try {
    return await fn(rig);
  } finally {
    await rig.close();
  }
}
