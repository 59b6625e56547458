// The physical limit: the same turn read straight from the fake with the relay's own
// Connect client (app/cursor), no HTTP front door, no translation.
import { randomUUID } from "node:crypto";
import { createCursorClient, type CursorClientHandle } from "../../app/cursor/client.ts";

export interface DirectResult {
  /** ms from starting the Run to the first text event. */
  ttftMs: number;
  totalMs: number;
  textBytes: number;
  text: string;
}

export interface DirectClient {
  turn(userText: string, options?: { keepText?: boolean; systemPrompt?: string }): Promise<DirectResult>;
  close(): void;
}

export function createDirectClient(baseUrl: string, accessToken: string): DirectClient {
  const cursor: CursorClientHandle = createCursorClient({ baseUrl, onDiagnostic: () => {} });
  return {
    async turn(userText, options = {}) {
      const t0 = performance.now();
      const run = cursor.run({
        accessToken,
        conversationId: randomUUID(),
        modelId: "composer-2",
        userText,
        ...(options.systemPrompt !== undefined ? { systemPrompt: options.systemPrompt } : {}),
        blobs: new Map(),
        tools: [],
      });
      let ttft = Number.NaN;
      let textBytes = 0;
      const parts: string[] = [];
      for await (const ev of run.events) {
        if (ev.type !== "text") continue;
        if (Number.isNaN(ttft)) ttft = performance.now() - t0;
        textBytes += ev.text.length;
        if (options.keepText) parts.push(ev.text);
      }
      return { ttftMs: ttft, totalMs: performance.now() - t0, textBytes, text: parts.join("") };
    },
    close: () => cursor.close(),
  };
}
