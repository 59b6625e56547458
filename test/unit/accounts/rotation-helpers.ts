// A rotation over a real registry (memory secret store, file settings store in a
// temp data dir) and a ManualClock, with its writes and change events recorded.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createAccountRegistry, type AccountRegistry } from "../../../app/accounts/registry.ts";
import { createFileSettingsStore } from "../../../app/accounts/settings-store.ts";
import { createMemorySecretStore, type SecretStore } from "../../../app/accounts/secret-store.ts";
import { createAccountRotation, type AccountRotation, type RotationChange, type RotationOptions } from "../../../app/accounts/account-rotation.ts";
import { atomicFileWrites } from "../../../app/base/coalescing-writer.ts";
import { RelayError, type RelayErrorKind } from "../../../app/base/errors.ts";
import { createLogger, type Logger } from "../../../app/base/log.ts";
import { ManualClock } from "../../support/manual-clock.ts";
import { mintJwt, scriptedFetch, type Script } from "./helpers.ts";

export const HOUR = 3_600_000;

export interface Rig {
  dir: string;
  clock: ManualClock;
  registry: AccountRegistry;
  secrets: SecretStore;
  calls: { url: string; init: RequestInit | undefined }[];
  logs: string[];
  logger: Logger;
  /** Adds an account through the registry's login path; returns its id. */
  add(sub: string, label?: string | null, lifetimeMs?: number): Promise<string>;
  /** Tokens handed to the registry so far (to scan files for). */
  tokens: string[];
  open(overrides?: Partial<RotationOptions>): OpenedRotation;
}

export interface OpenedRotation {
  rotation: AccountRotation;
  changes: RotationChange[];
  writes: number;
}

export function makeRig(t: { after(fn: () => void): void }, script: Script = () => new Response("no", { status: 500 })): Rig {
  const dir = mkdtempSync(join(tmpdir(), "cr-rotation-"));
  const clock = new ManualClock();
  const secrets = createMemorySecretStore();
  const f = scriptedFetch(script);
  const logs: string[] = [];
  const logger = createLogger({ level: "debug", sink: (l) => logs.push(l), now: () => clock.now() });
  const registry = createAccountRegistry({
    dataDir: dir,
    settings: createFileSettingsStore(dir),
    secrets,
    cursorApi: "http://cursor.test",
    clock,
    fetch: f.fetch,
    logger,
    refreshTimers: false,
  });
  const opened: AccountRotation[] = [];
  t.after(async () => {
    for (const c of opened) {
      c.close();
      await c.flush(); // a write still in flight settles before the folder goes
    }
    registry.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const tokens: string[] = [];
  let n = 0;
  const rig: Rig = {
    dir,
    clock,
    registry,
    secrets,
    calls: f.calls,
    logs,
    logger,
    tokens,
    async add(sub, label = null, lifetimeMs = HOUR) {
      const accessToken = await mintJwt(sub, (clock.now() + lifetimeMs) / 1000);
      const refreshToken = `refresh-token-${sub}-${++n}-secret`;
      tokens.push(accessToken, refreshToken);
      return (await registry.addFromLogin({ accessToken, refreshToken }, label)).id;
    },
    open(overrides = {}) {
      const out: OpenedRotation = { rotation: undefined as unknown as AccountRotation, changes: [], writes: 0 };
      out.rotation = createAccountRotation({
        dataDir: dir,
        clock,
        accounts: registry,
        logger,
        stateFiles: {
          write: (path, data, stillWanted) => {
            out.writes++;
            return atomicFileWrites.write(path, data, stillWanted);
          },
          writeSync: (path, data) => {
            out.writes++;
            atomicFileWrites.writeSync(path, data);
          },
        },
        ...overrides,
      });
      out.rotation.onChange((c) => out.changes.push(c));
      opened.push(out.rotation);
      return out;
    },
  };
  return rig;
}

export function upstream(kind: RelayErrorKind, status: number, extra: { retryAfterMs?: number; message?: string } = {}): RelayError {
  return new RelayError({
    kind,
    status,
    message: extra.message ?? `upstream said ${status}`,
    upstreamCode: kind === "upstream_timeout" ? "stalled" : "some_code",
    ...(extra.retryAfterMs !== undefined ? { retryAfterMs: extra.retryAfterMs } : {}),
  });
}

export const rateLimited = (retryAfterMs?: number) =>
  upstream("rate_limited", 429, retryAfterMs === undefined ? {} : { retryAfterMs });
