// A tiny structured logger whose every line passes through redaction: registered
// secrets (tokens, keys) and anything that looks like a JWT or a bearer credential
// are replaced before the line reaches any sink.

export type LogLevel = "debug" | "info" | "warn" | "error";
const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  /** Registers a secret value that must never appear in a log line. */
  addSecret(value: string | null | undefined): void;
  child(scope: string): Logger;
}

export interface LoggerOptions {
  level?: LogLevel;
  sink?: (line: string) => void;
  now?: () => number;
}

const JWT = /eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g;
const BEARER = /(bearer\s+)[^\s"',]+/gi;

export function createRedactor(): { add(value: string | null | undefined): void; redact(text: string): string } {
  const secrets = new Set<string>();
  return {
    add(value) {
      if (value && value.length >= 6) secrets.add(value);
    },
    redact(text) {
      let out = text;
      for (const s of secrets) if (out.includes(s)) out = out.split(s).join("[redacted]");
      return out.replace(JWT, "[redacted-jwt]").replace(BEARER, "$1[redacted]");
    },
  };
}

export function createLogger(options: LoggerOptions = {}, scope = "relay", redactor = createRedactor()): Logger {
  const min = order[options.level ?? "info"];
  const sink = options.sink ?? ((line: string) => process.stderr.write(line + "\n"));
  const now = options.now ?? Date.now;
  const write = (level: LogLevel, msg: string, fields?: Record<string, unknown>) => {
    if (order[level] < min) return;
    let extra = "";
    if (fields && Object.keys(fields).length > 0) {
      try {
        extra = " " + JSON.stringify(fields, (_k, v: unknown) => (v instanceof Error ? v.message : v));
      } catch {
        extra = " [unserializable fields]";
      }
    }
    sink(redactor.redact(`${new Date(now()).toISOString()} ${level.toUpperCase()} [${scope}] ${msg}${extra}`));
  };
  return {
    debug: (m, f) => write("debug", m, f),
    info: (m, f) => write("info", m, f),
    warn: (m, f) => write("warn", m, f),
    error: (m, f) => write("error", m, f),
    addSecret: (v) => redactor.add(v),
    child: (s) => createLogger(options, `${scope}:${s}`, redactor),
  };
}

/** A logger that drops everything (tests that do not look at logs). */
export const silentLogger: Logger = createLogger({ sink: () => {} });
