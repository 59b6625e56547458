// The Cursor client, loaded on first use. Its Connect and protobuf modules (with the
// generated agent schema) are the largest part of what `cursor-relay serve` would import
// before it listens, and nothing needs them until the first turn; `preload()` fetches
// them in the background once the relay is listening, so that turn does not wait.
import type { CursorClientHandle, CursorClientOptions } from "./client.ts";
import type { CursorEvent, CursorModel, CursorRun, RunOptions, ToolCallRequest, ToolResult } from "./types.ts";
import { toRelayError, type RelayError } from "../base/errors.ts";

export interface LazyCursorClient extends CursorClientHandle {
  /** Loads the client now (idempotent); turns started before it finished wait for it. */
  preload(): Promise<void>;
}

export function createLazyCursorClient(options: CursorClientOptions): LazyCursorClient {
  let real: CursorClientHandle | null = null;
  let loading: Promise<CursorClientHandle> | null = null;
  let closed = false;

  const load = (): Promise<CursorClientHandle> =>
    (loading ??= import("./client.ts").then((m) => {
      real = m.createCursorClient(options);
      if (closed) real.close();
      return real;
    }));

  return {
    preload: async () => {
      await load();
    },
    run(runOptions: RunOptions): CursorRun {
      return real ? real.run(runOptions) : deferredRun(load(), runOptions);
    },
    async getUsableModels(accessToken: string, cacheKey?: string): Promise<CursorModel[]> {
      return (await load()).getUsableModels(accessToken, cacheKey);
    },
    async resolveModelId(clientName: string, accessToken: string, cacheKey?: string): Promise<string> {
      return (await load()).resolveModelId(clientName, accessToken, cacheKey);
    },
    async modelList(accessToken: string, cacheKey?: string) {
      return (await load()).modelList(accessToken, cacheKey);
    },
    invalidateModels(cacheKey?: string): void {
      real?.invalidateModels(cacheKey); // nothing is cached before it loaded
    },
    close(): void {
      closed = true;
      real?.close();
    },
  };
}

/** A run asked for before the client had loaded: starts once it has (unless closed first). */
function deferredRun(client: Promise<CursorClientHandle>, options: RunOptions): CursorRun {
  let run: CursorRun | null = null;
  let closedEarly = false;
  let loadError: RelayError | undefined;
  const started = client.then(
    (c) => {
      if (!closedEarly) run = c.run(options);
      return run;
    },
    (e: unknown) => {
      loadError = toRelayError(e);
      throw loadError;
    },
  );
  started.catch(() => {}); // surfaced through events
  return {
    events: {
      async *[Symbol.asyncIterator](): AsyncIterator<CursorEvent> {
        const r = await started;
        if (r) yield* r.events;
      },
    },
    sendToolResult(call: ToolCallRequest, result: ToolResult): void {
      // A tool call only comes from the started run's events, so it exists by now.
      if (!run) throw new Error("sendToolResult before the run started");
      run.sendToolResult(call, result);
    },
    close(): void {
      closedEarly = true;
      run?.close();
    },
    get error() {
      return run?.error ?? loadError;
    },
    get closed() {
      return run ? run.closed : closedEarly || loadError !== undefined;
    },
  };
}
