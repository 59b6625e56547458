// Runs the real `cursor-relay` CLI and the real Claude Code CLI as child processes, the
// way a user runs them, for end-to-end tests.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const RELAY_BIN = `${ROOT}bin/cursor-relay.js`;
export const CLAUDE_BIN = `${ROOT}node_modules/.bin/claude`;
export const CODEX_BIN = `${ROOT}node_modules/.bin/codex`;
/** The installed Claude Code's version, for test names (read when asked: most users of this file never run Claude Code). */
export const claudeVersion = (): string => JSON.parse(readFileSync(`${ROOT}node_modules/@anthropic-ai/claude-code/package.json`, "utf8")).version as string;

/** Claude Code's environment against a relay: its own HOME, the relay's URL and key, no traffic to anyone else. */
export const claudeEnv = (home: string, baseUrl: string, key: string): NodeJS.ProcessEnv => ({
  ...process.env,
  HOME: home,
  ANTHROPIC_BASE_URL: baseUrl,
  ANTHROPIC_AUTH_TOKEN: key,
  CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
});

export interface Result {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion (killed after timeoutMs). */
export function run(cmd: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {}): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: options.env ?? process.env, cwd: options.cwd ?? ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 60_000);
    child.on("error", reject);
    child.on("close", (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

export interface Served {
  child: ChildProcess;
  url: string;
  stdout: () => string;
  stderr: () => string;
  stop(): Promise<number | null>;
}

/** Starts `cursor-relay serve` and waits for its `listening on <url>` line (a 127.0.0.1 address unless `anyHost`). */
export function serve(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 20_000, options: { anyHost?: boolean } = {}): Promise<Served> {
  const listening = options.anyHost ? /^listening on (http:\/\/\S+)$/m : /^listening on (http:\/\/127\.0\.0\.1:\d+)$/m;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [RELAY_BIN, "serve", ...args], { env, cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`serve did not start in ${timeoutMs} ms\nstdout: ${out}\nstderr: ${err}`));
    }, timeoutMs);
    const exited = new Promise<number | null>((r) => child.on("close", (code) => r(code)));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      const m = listening.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({
          child,
          url: m[1]!,
          stdout: () => out,
          stderr: () => err,
          stop: async () => {
            if (child.exitCode === null) child.kill("SIGTERM");
            return exited;
          },
        });
      }
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}\nstdout: ${out}\nstderr: ${err}`));
    });
  });
}

/** The dashboard address (with its `#key=` fragment): `serve` prints it on the line after `listening on`, which may arrive later. */
export async function dashboardUrlOf(served: Served, timeoutMs = 20_000): Promise<string> {
  const find = () => /^dashboard: (http:\S+)$/m.exec(served.stdout())?.[1];
  const stdout = served.child.stdout!;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(done, timeoutMs);
    function done() {
      clearTimeout(timer);
      stdout.off("data", check);
      served.child.off("close", done);
      resolve();
    }
    function check() {
      if (find()) done();
    }
    stdout.on("data", check);
    served.child.on("close", done);
    check();
  });
  const url = find();
  assert.ok(url, served.stdout());
  return url;
}
