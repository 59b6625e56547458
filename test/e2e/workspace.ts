// What every real-client end-to-end test starts from: a fake Cursor, a fresh data folder and
// HOME, `cursor-relay login` for each label, and a way to start `cursor-relay serve` — all
// undone after the test (every relay started is stopped, the accounts' secrets removed).
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startFakeCursor, type FakeCursor, type Scenario } from "../fake-cursor/index.ts";
import { RELAY_BIN, run, serve, type Result, type Served } from "./cli-process.ts";

export interface E2eWorkspace {
  fake: FakeCursor;
  dataDir: string;
  home: string;
  /** The environment every `cursor-relay` command of this test runs with. */
  env: NodeJS.ProcessEnv;
  /** One `login --no-browser --label <label>` result per label, in order (each exited 0). */
  logins: Result[];
  /** Starts `cursor-relay serve` with these arguments in `env` (waiting up to `timeoutMs` for it to listen); stopped after the test. */
  serve(args: string[], timeoutMs?: number): Promise<Served>;
}

export async function e2eWorkspace(
  t: { after(fn: () => unknown): void },
  options: { scenario: Scenario | string; labels: string[]; env?: Record<string, string> },
): Promise<E2eWorkspace> {
  const fake = await startFakeCursor({ scenario: options.scenario });
  const dataDir = mkdtempSync(join(tmpdir(), "cr-e2e-data-"));
  const home = mkdtempSync(join(tmpdir(), "cr-e2e-home-"));
  const env = { ...process.env, CURSOR_RELAY_DATA_DIR: dataDir, CURSOR_RELAY_CURSOR_API: fake.url, ...options.env };
  const started: Served[] = [];
  t.after(async () => {
    for (const s of started) await s.stop();
    for (const label of options.labels) await run(process.execPath, [RELAY_BIN, "accounts", "remove", `cursor.${label}`], { env }).catch(() => undefined);
    await fake.close();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
  });
  const logins: Result[] = [];
  for (const label of options.labels) {
    const r = await run(process.execPath, [RELAY_BIN, "login", "--no-browser", "--label", label], { env });
    assert.equal(r.status, 0, r.stderr);
    logins.push(r);
  }
  return {
    fake,
    dataDir,
    home,
    env,
    logins,
    async serve(args, timeoutMs) {
      const s = await serve(args, env, timeoutMs);
      started.push(s);
      return s;
    },
  };
}
