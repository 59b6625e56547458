// Collects every unhandled rejection and uncaught exception while a test runs, so the
// test can fail on them with their stacks instead of the process dying (or the runner
// attributing them to whatever test happens to be running).

export interface ProcessGuards {
  readonly problems: string[];
  dispose(): void;
}

const describe = (e: unknown) => (e instanceof Error ? (e.stack ?? e.message) : String(e));

export function installProcessGuards(): ProcessGuards {
  const problems: string[] = [];
  const onRejection = (reason: unknown) => problems.push(`unhandledRejection: ${describe(reason)}`);
  const onException = (error: unknown) => problems.push(`uncaughtException: ${describe(error)}`);
  process.on("unhandledRejection", onRejection);
  process.on("uncaughtException", onException);
  return {
    problems,
    dispose() {
      process.off("unhandledRejection", onRejection);
      process.off("uncaughtException", onException);
    },
  };
}
