// cursor-relay env: the lines to paste for Claude Code and OpenAI clients, with the key
// and address of the running relay (from relay.json and the secret entry it names); when
// none runs, the stored relay key (created now on a first run) and the configured port.
import type { CommandIo } from "./io.ts";
import { noPositionals, parseCommandArgs, portOption } from "./options.ts";
import { checkDataDir } from "./data-dir-check.ts";
import { openSecretStore } from "../accounts/secret-store-open.ts";
import type { KeytarLike } from "../accounts/secret-store-keytar.ts";
import { clientSetup, geminiCliSetup } from "../core/client-setup.ts";
import { DEFAULT_HOST, DEFAULT_PORT } from "../core/relay-app.ts";
import { ensureRelayKey } from "../core/relay-key.ts";
import { readRuntimeInfo } from "../core/runtime-file.ts";

const usage = `usage: cursor-relay env [--port N] [--json] [--data-dir DIR] [--cursor-api URL] [--secret-store keychain|file]

  prints export lines for Claude Code (ANTHROPIC_BASE_URL, ANTHROPIC_AUTH_TOKEN) and OpenAI
  clients (OPENAI_BASE_URL, OPENAI_API_KEY), and Gemini CLI (GOOGLE_GEMINI_BASE_URL, GEMINI_API_KEY,
  plus the ~/.gemini/settings.json it needs); eval "$(cursor-relay env)" sets them in this shell
  --port N   the port to point at when no relay is running (env CURSOR_RELAY_PORT; default ${DEFAULT_PORT})
  --json     one JSON object instead of shell lines`;

export async function envCommand(argv: string[], io: CommandIo, deps: { keytar?: KeytarLike } = {}): Promise<number> {
  const { help, global, values, positionals } = parseCommandArgs(argv, { port: { type: "string" }, json: { type: "boolean" } }, usage, io.env);
  if (help) {
    io.out(usage);
    return 0;
  }
  noPositionals(positionals, usage);
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
      }),
    );
    return 0;
  }
  io.out(`# Claude Code${running ? "" : ` (no relay is running on this data dir; start one with \`cursor-relay serve\`)`}`);
  for (const l of setup.claudeCodeEnv) io.out(l);
  io.out("# OpenAI-compatible clients");
  for (const l of setup.openAiEnv) io.out(l);
  io.out("# Codex CLI: this key, and in ~/.codex/config.toml (or `cursor-relay` dashboard: Configure Codex):");
  for (const l of setup.codexEnv) io.out(l);
  for (const l of setup.codexConfig) io.out(l === "" ? "#" : `#   ${l}`);
  const gemini = geminiCliSetup(baseUrl, key);
  io.out(`# Gemini CLI (and ~/.gemini/settings.json: ${JSON.stringify(gemini.settings)})`);
  for (const l of gemini.env) io.out(l);
  return 0;
}
