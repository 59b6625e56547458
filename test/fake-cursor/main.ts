// CLI: npm run fake-cursor -- --port <n> --scenario <file.json|name> [--initial-window <bytes>]
// Prints exactly one line `fake-cursor listening on http://127.0.0.1:<port>` when ready.
import { readFileSync } from "node:fs";
import { BUILTIN_SCENARIO_NAMES, parseScenario, ScenarioError, startFakeCursor, type Scenario } from "./index.ts";

const USAGE = `usage: npm run fake-cursor -- [--port <n>] [--scenario <file.json|name>] [--initial-window <bytes>]
  --port <n>              TCP port on 127.0.0.1 (0 = any free port; default 0)
  --scenario <x>          a scenario JSON file, or a built-in: ${BUILTIN_SCENARIO_NAMES.join(", ")} (default text)
  --initial-window <n>    HTTP/2 SETTINGS_INITIAL_WINDOW_SIZE to advertise (e.g. 16384)
See test/fake-cursor/README.md for the scenario format.`;

class UsageError extends Error {}

interface Args {
  port: number;
  scenario: Scenario | string;
  initialWindowSize?: number;
}

function intArg(flag: string, value: string | undefined, min: number, max: number): number {
  if (value === undefined || !/^\d+$/.test(value)) throw new UsageError(`${flag} needs a whole number`);
  const n = Number(value);
  if (n < min || n > max) throw new UsageError(`${flag} must be between ${min} and ${max}`);
  return n;
}

function loadScenario(value: string): Scenario | string {
  if (BUILTIN_SCENARIO_NAMES.includes(value)) return value;
  let text: string;
  try {
    text = readFileSync(value, "utf8");
  } catch {
    throw new UsageError(`--scenario ${value}: not a built-in (${BUILTIN_SCENARIO_NAMES.join(", ")}) and no such file`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`--scenario ${value}: not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  try {
    return parseScenario(json);
  } catch (e) {
    if (e instanceof ScenarioError) throw new UsageError(`--scenario ${value}: ${e.message}`);
    throw e;
  }
}

function parseArgs(argv: string[]): Args {
  const args: Args = { port: 0, scenario: "text" };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const [name, inline] = flag.startsWith("--") && flag.includes("=") ? [flag.slice(0, flag.indexOf("=")), flag.slice(flag.indexOf("=") + 1)] : [flag, undefined];
    const value = () => inline ?? argv[++i];
    switch (name) {
      case "--port":
        args.port = intArg("--port", value(), 0, 65535);
        break;
      case "--scenario": {
        const v = value();
        if (v === undefined || v === "") throw new UsageError("--scenario needs a file or a built-in name");
        args.scenario = loadScenario(v);
        break;
      }
      case "--initial-window":
        args.initialWindowSize = intArg("--initial-window", value(), 0, 2 ** 31 - 1);
        break;
      case "-h":
      case "--help":
        throw new UsageError("");
      default:
        throw new UsageError(`unknown option ${flag}`);
    }
  }
  return args;
}

async function main(): Promise<void> {
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    if (e.message) process.stderr.write(`fake-cursor: ${e.message}\n`);
    process.stderr.write(`${USAGE}\n`);
    process.exit(e.message ? 2 : 0);
  }
  let fake;
  try {
    fake = await startFakeCursor({
      port: args.port,
      scenario: args.scenario,
      ...(args.initialWindowSize !== undefined ? { initialWindowSize: args.initialWindowSize } : {}),
    });
  } catch (e) {
    process.stderr.write(`fake-cursor: cannot start: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  }
  process.stdout.write(`fake-cursor listening on ${fake.url}\n`);
  const stop = () => {
    void fake.close().then(() => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

await main();
