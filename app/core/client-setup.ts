// The lines a user pastes to point Claude Code and OpenAI clients at the relay.
import type { ClientSetup } from "./control-api.ts";
import { CODEX_ENV_KEY, CODEX_MODEL_PROVIDER_LINE, codexProviderToml } from "./codex-config.ts";

/** Quotes a value for POSIX shells only when it needs it (relay keys and URLs never do). */
const shellValue = (v: string): string => (/^[A-Za-z0-9_./:@%+=,-]+$/.test(v) ? v : `'${v.replace(/'/g, `'\\''`)}'`);

export function clientSetup(baseUrl: string, relayKey: string): ClientSetup {
  const url = baseUrl.replace(/\/+$/, "");
  return {
    baseUrl: url,
    claudeCodeEnv: [`export ANTHROPIC_BASE_URL=${shellValue(url)}`, `export ANTHROPIC_AUTH_TOKEN=${shellValue(relayKey)}`],
    openAiEnv: [`export OPENAI_BASE_URL=${shellValue(`${url}/v1`)}`, `export OPENAI_API_KEY=${shellValue(relayKey)}`],
    codexEnv: [`export ${CODEX_ENV_KEY}=${shellValue(relayKey)}`],
    codexConfig: [CODEX_MODEL_PROVIDER_LINE, "", ...codexProviderToml(url)],
  };
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
