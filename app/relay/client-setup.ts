// The lines a user pastes to point each client at the relay: Claude Code, OpenAI SDKs,
// Codex CLI and Gemini CLI. `cursor-relay env` and the dashboard both show these blocks.
import type { ClientSetup, SetupBlock } from "../base/control-api.ts";
import { CODEX_ENV_KEY, CODEX_MODEL_PROVIDER_LINE, codexProviderToml } from "./codex-config.ts";

/** Quotes a value for POSIX shells only when it needs it (relay keys and URLs never do). */
const shellValue = (v: string): string => (/^[A-Za-z0-9_./:@%+=,-]+$/.test(v) ? v : `'${v.replace(/'/g, `'\\''`)}'`);

export function clientSetup(baseUrl: string, relayKey: string): ClientSetup {
  const url = baseUrl.replace(/\/+$/, "");
  const gemini = geminiCliSetup(url, relayKey);
  const fields = {
    baseUrl: url,
    claudeCodeEnv: [`export ANTHROPIC_BASE_URL=${shellValue(url)}`, `export ANTHROPIC_AUTH_TOKEN=${shellValue(relayKey)}`],
    openAiEnv: [`export OPENAI_BASE_URL=${shellValue(`${url}/v1`)}`, `export OPENAI_API_KEY=${shellValue(relayKey)}`],
    codexEnv: [`export ${CODEX_ENV_KEY}=${shellValue(relayKey)}`],
    codexConfig: [CODEX_MODEL_PROVIDER_LINE, "", ...codexProviderToml(url)],
    geminiCliEnv: gemini.env,
    geminiCliSettings: JSON.stringify(gemini.settings, null, 2).split("\n"),
  };
  const blocks: SetupBlock[] = [
    block("claude-code", "Claude Code", "shell", fields.claudeCodeEnv),
    block("openai", "OpenAI SDKs and other OpenAI-compatible clients", "shell", fields.openAiEnv),
    block("codex", "Codex CLI", "shell", fields.codexEnv),
    block("codex-config", "Codex CLI", "~/.codex/config.toml", fields.codexConfig),
    block("gemini-cli", "Gemini CLI", "shell", fields.geminiCliEnv),
    block("gemini-settings", "Gemini CLI", "~/.gemini/settings.json", fields.geminiCliSettings),
  ];
  return { ...fields, blocks };
}

const block = (id: string, client: string, target: string, lines: string[]): SetupBlock => ({
  id,
  title: target === "shell" ? client : `${client}: in ${target}`,
  target,
  lines,
});

/** The blocks as shell text: export lines as they are, a file's lines commented out under its path. */
export function setupBlocksAsShell(blocks: readonly SetupBlock[]): string[] {
  const commented = (l: string): string => (l === "" ? "#" : `#   ${l}`);
  return blocks.flatMap((b) => [`# ${b.title}`, ...(b.target === "shell" ? b.lines : b.lines.map(commented))]);
}

/** Gemini CLI: its base URL and key variables, and the settings.json that selects API-key auth. */
export interface GeminiCliSetup {
  env: string[];
  /** The content of ~/.gemini/settings.json (merged into an existing one). */
  settings: { security: { auth: { selectedType: "gemini-api-key" } } };
}

export function geminiCliSetup(baseUrl: string, relayKey: string): GeminiCliSetup {
  const url = baseUrl.replace(/\/+$/, "");
  return {
    env: [`export GOOGLE_GEMINI_BASE_URL=${shellValue(url)}`, `export GEMINI_API_KEY=${shellValue(relayKey)}`],
    settings: { security: { auth: { selectedType: "gemini-api-key" } } },
  };
}
