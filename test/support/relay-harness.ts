// A relay in front of the fake Cursor, over real loopback sockets, for integration and
// end-to-end tests: a temp data dir, the real secret store (the test keyring when the
// runner provides one, else the encrypted file store), accounts added through the real
// browser-login flow against the fake, and SDK clients pointed at the relay.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { startLogin } from "../../app/accounts/login.ts";
import { systemClock } from "../../app/base/clock.ts";
import { createLogger } from "../../app/base/log.ts";
import { createRelayApp, type RelayApp, type RelayAppOptions } from "../../app/relay/relay-app.ts";
import { filesUnder } from "./files.ts";
import { resolveScenario, startFakeCursor, type FakeCursor, type Scenario } from "../fake-cursor/index.ts";

export const haveKeyring = process.env.CURSOR_RELAY_TEST_SESSION === "keyring";

export interface HarnessOptions {
  scenario?: Scenario | string;
  /** Labels for the accounts to log in, in order (null = no label). Default: one unlabelled account. */
  accounts?: (string | null)[];
  relay?: Partial<RelayAppOptions>;
  secretStore?: "keychain" | "file";
  initialWindowSize?: number;
}

export interface Harness {
  fake: FakeCursor;
  app: RelayApp;
  url: string;
  key: string;
  dataDir: string;
  accountIds: string[];
  /** Subs of the logged-in accounts, in order (what the fake keys its scripts by). */
  subs: string[];
  logLines: string[];
  anthropic(options?: { maxRetries?: number }): Anthropic;
  openai(options?: { maxRetries?: number }): OpenAI;
  /** Every file under the data dir with its content (latin1). */
  files(): { path: string; text: string }[];
  close(): Promise<void>;
}

export async function startHarness(t: { after(fn: () => unknown): void }, options: HarnessOptions = {}): Promise<Harness> {
  const tag = randomBytes(4).toString("hex");
  const labels = options.accounts ?? [null];
  const subs = labels.map((_, i) => `auth0|user_${tag}_${i + 1}`);
  const base = typeof options.scenario === "object" ? options.scenario : resolveScenario(options.scenario ?? "text");
  const scenario: Scenario = { ...base, login: { pendingPolls: 0, ...base.login, subs } };
  const fake = await startFakeCursor({ scenario, ...(options.initialWindowSize ? { initialWindowSize: options.initialWindowSize } : {}) });
  const dataDir = mkdtempSync(join(tmpdir(), "cr-harness-"));
  const logLines: string[] = [];
  const logger = createLogger({ level: "debug", sink: (l) => logLines.push(l) });
  const app = await createRelayApp({
    dataDir,
    cursorApi: fake.url,
    secretStore: options.secretStore ?? (haveKeyring ? "keychain" : "file"),
    host: "127.0.0.1",
    port: 0,
    logger,
    openBrowser: null,
    warn: (m) => logLines.push(`warn: ${m}`),
    ...options.relay,
  });
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    const ids = app.parts.accounts.registry.list().map((a) => a.id);
    await app.stop();
    for (const id of ids) await app.parts.accounts.secrets.delete(id).catch(() => {});
    if (!options.relay?.apiKey) await app.parts.accounts.secrets.deleteRelayKey().catch(() => {});
    await fake.close();
    rmSync(dataDir, { recursive: true, force: true });
  };
  t.after(close);

  const accountIds: string[] = [];
  for (const label of labels) {
    const login = startLogin({
      cursorApi: fake.url,
      label,
      clock: systemClock,
      registry: app.parts.accounts.registry,
      poll: { firstDelayMs: 0, maxDelayMs: 20 },
    });
    accountIds.push((await login.done).id);
  }
  await app.start();
  const url = app.url!;
  const key = app.relayKey();
  const files = () => filesUnder(dataDir);
  return {
    fake,
    app,
    url,
    key,
    dataDir,
    accountIds,
    subs,
    logLines,
    anthropic: (o = {}) => new Anthropic({ baseURL: url, apiKey: key, maxRetries: o.maxRetries ?? 0 }),
    openai: (o = {}) => new OpenAI({ baseURL: `${url}/v1`, apiKey: key, maxRetries: o.maxRetries ?? 0 }),
    files,
    close,
  };
}
