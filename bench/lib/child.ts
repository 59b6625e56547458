// A benchmark helper process (the fake Cursor, the relay) driven over Node's IPC channel:
// the parent calls named methods, the child answers each call once. Separate processes
// keep the load generator's CPU and memory out of the figures of the thing measured.
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

interface Call {
  id: number;
  method: string;
  args: unknown[];
}
type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };

export interface Child {
  readonly pid: number;
  call<T>(method: string, ...args: unknown[]): Promise<T>;
  /** Asks the child to stop, then kills it if it does not exit within graceMs. */
  stop(graceMs?: number): Promise<void>;
}

const compiledChildren = new Map<string, Promise<string>>();

/**
 * The relay child compiled with esbuild as the shipped command line is (scripts/build-cli.ts),
 * so its RSS and start-up are compiled code's, not tsx's; unlike the CLI it keeps every
 * package external (the CLI bundles conf, the Connect/protobuf stack and jose).
 */
function compiledChild(name: string): Promise<string> {
  let p = compiledChildren.get(name);
  if (!p) {
    const root = fileURLToPath(new URL("../..", import.meta.url));
    const outfile = `${root}dist/bench/${name}.mjs`;
    p = build({
      absWorkingDir: root,
      entryPoints: [`bench/children/${name}.ts`],
      outfile,
      bundle: true,
      format: "esm",
      platform: "node",
      target: "node20",
      packages: "external",
      logLevel: "warning",
    }).then(() => outfile);
    compiledChildren.set(name, p);
  }
  return p;
}

/**
 * Starts `bench/children/<name>.ts` (through tsx, or compiled when `compiled` is set);
 * resolves once it reported that it is ready.
 */
export async function startChild(name: string, options: { nodeArgs?: string[]; args?: string[]; compiled?: boolean } = {}): Promise<Child> {
  const script = options.compiled ? await compiledChild(name) : fileURLToPath(new URL(`../children/${name}.ts`, import.meta.url));
  const proc: ChildProcess = fork(script, options.args ?? [], {
    execArgv: [...(options.nodeArgs ?? []), ...(options.compiled ? [] : ["--import", "tsx"])],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  let nextId = 1;
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  let exited = false;
  const exitedP = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
  proc.once("exit", (code, signal) => {
    exited = true;
    for (const p of pending.values()) p.reject(new Error(`bench child ${name} exited (${code ?? signal})`));
    pending.clear();
  });
  let onReady: () => void = () => {};
  const ready = new Promise<void>((resolve, reject) => {
    onReady = resolve;
    proc.once("exit", (code, signal) => reject(new Error(`bench child ${name} exited before it was ready (${code ?? signal})`)));
  });
  proc.on("message", (m: Reply | { ready: true }) => {
    if ("ready" in m) return onReady();
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (m.ok) p.resolve(m.value);
    else p.reject(new Error(`${name}: ${m.error}`));
  });
  const child: Child = {
    pid: proc.pid ?? -1,
    call<T>(method: string, ...args: unknown[]): Promise<T> {
      if (exited) return Promise.reject(new Error(`bench child ${name} is not running`));
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        proc.send({ id, method, args } satisfies Call);
      });
    },
    async stop(graceMs = 5000) {
      if (exited) return;
      await child.call("shutdown").catch(() => {});
      const timer = setTimeout(() => proc.kill("SIGKILL"), graceMs);
      await exitedP;
      clearTimeout(timer);
    },
  };
  await ready;
  return child;
}

/**
 * The child side, called once its setup is done: reports ready, then answers calls with
 * the given handlers; `shutdown` runs `onShutdown` and exits.
 */
export function serveCalls(handlers: Record<string, (...args: never[]) => unknown>, onShutdown: () => Promise<void>): void {
  process.on("message", async (m: Call) => {
    let reply: Reply;
    try {
      if (m.method === "shutdown") {
        await onShutdown();
        process.send?.({ id: m.id, ok: true, value: true } satisfies Reply, () => process.exit(0));
        return;
      } else {
        const h = handlers[m.method];
        if (!h) throw new Error(`unknown method ${m.method}`);
        reply = { id: m.id, ok: true, value: await (h as (...a: unknown[]) => unknown)(...m.args) };
      }
    } catch (e) {
      reply = { id: m.id, ok: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e) };
    }
    process.send?.(reply);
  });
  // The parent went away: do not linger.
  process.on("disconnect", () => void onShutdown().finally(() => process.exit(0)));
  process.send?.({ ready: true });
}

/** One fake Cursor child for a figure's runs, one after another, stopped after the last. */
export async function runsAgainstFake<R>(runs: number, oneRun: (fake: Child, fakeUrl: string) => Promise<R>): Promise<R[]> {
  const fake = await startChild("fake");
  try {
    const fakeUrl = await fake.call<string>("url");
    const all: R[] = [];
    for (let i = 0; i < runs; i++) all.push(await oneRun(fake, fakeUrl));
    return all;
  } finally {
    await fake.stop();
  }
}
