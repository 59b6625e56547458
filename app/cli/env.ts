// cursor-relay env: the lines to paste for each client (Claude Code, OpenAI SDKs, Codex
// CLI, Gemini CLI; the same blocks the dashboard shows), with the key
// and address of the running relay (from relay.json and the secret entry it names); when
// none runs, the stored relay key (created now on a first run) and the configured port.
import type { CommandIo } from "./io.ts";
import { commandArgs, portOption } from "./options.ts";
import { checkDataDir } from "./data-dir-check.ts";
import { openSecretStore } from "../accounts/secret-store-open.ts";
import type { KeytarLike } from "../accounts/secret-store-keytar.ts";
import { clientSetup, geminiCliSetup, setupBlocksAsShell } from "../relay/client-setup.ts";
import { DEFAULT_HOST, DEFAULT_PORT } from "../relay/relay-app.ts";
import { ensureRelayKey } from "../relay/relay-key.ts";
import { readRuntimeInfo } from "../base/runtime-file.ts";

const usage = `usage: cursor-relay env [--port N] [--json] [--data-dir DIR] [--cursor-api URL] [--secret-store keychain|file]

  prints export lines for Claude Code (ANTHROPIC_BASE_URL, ANTHROPIC_AUTH_TOKEN), OpenAI
  clients (OPENAI_BASE_URL, OPENAI_API_KEY), Codex CLI (CURSOR_RELAY_API_KEY, plus the
  ~/.codex/config.toml lines as comments) and Gemini CLI (GOOGLE_GEMINI_BASE_URL, GEMINI_API_KEY,
  plus the ~/.gemini/settings.json it needs); eval "$(cursor-relay env)" sets them in this shell
  --port N   the port to point at when no relay is running (env CURSOR_RELAY_PORT; default ${DEFAULT_PORT})
  --json     one JSON object instead of shell lines`;

export async function envCommand(argv: string[], io: CommandIo, deps: { keytar?: KeytarLike } = {}): Promise<number> {
  const args = commandArgs(argv, { port: { type: "string" }, json: { type: "boolean" } }, usage, io, { positionals: false });
  if (args === null) return 0;
  const { global, values } = args;
  const portText = portOption(values.port, io.env, DEFAULT_PORT, usage);
  checkDataDir(global.dataDir, io.env, (m) => io.err(`warning: ${m}`));
  const running = readRuntimeInfo(global.dataDir);
  const baseUrl = running?.url ?? `http://${DEFAULT_HOST}:${portText}`;
  const secrets = await openSecretStore({
    kind: global.secretStore,
    dataDir: global.dataDir,
    warn: (m) => io.err(`warning: ${m}`),
    ...(deps.keytar ? { keytar: deps.keytar } : {}),
  });
  // A running relay's key wins (whatever started it: --api-key, CURSOR_RELAY_API_KEY or the stored key).
  const runningKey = running ? await secrets.getRelayKey(running.keyEntry) : null;
  if (running && runningKey === null) io.err(`warning: the relay running at ${running.url} did not publish its key; these lines use the stored key`);
  const key = runningKey ?? (io.env.CURSOR_RELAY_API_KEY || (await ensureRelayKey(secrets)));
  const setup = clientSetup(baseUrl, key);
  if (values.json === true) {
    io.out(
      JSON.stringify({
        baseUrl: setup.baseUrl,
        relayRunning: running !== null,
        claudeCode: setup.claudeCodeEnv,
        openai: setup.openAiEnv,
        codex: { env: setup.codexEnv, configToml: setup.codexConfig },
        geminiCli: geminiCliSetup(baseUrl, key),
        blocks: setup.blocks,
      }),
    );
    return 0;
  }
  if (!running) io.out("# no relay is running on this data dir; start one with `cursor-relay serve`");
  io.out("# (\"Configure Claude Code\" and \"Configure Codex\" in the dashboard write their settings for you)");
  for (const l of setupBlocksAsShell(setup.blocks)) io.out(l);
  return 0;
}
