// GET /v0/management/events: the snapshot stream. The first snapshot goes out at once,
// then every one the ControlApi publishes (it already coalesces). A slow reader never
// piles up old snapshots: while the socket is full only the newest one waits.
import type { ServerResponse } from "node:http";
import type { ControlApi, Snapshot } from "../../base/control-api.ts";
import { SNAPSHOT_EVENT } from "../../base/control-contract.ts";
import type { Logger } from "../../base/log.ts";
import { BASE_HEADERS } from "./respond.ts";

export interface EventStreams {
  open(res: ServerResponse): Promise<void>;
  /** Ends every open stream (on shutdown, so the server can close). */
  closeAll(): void;
  readonly openCount: number;
}

export interface EventStreamOptions {
  control: ControlApi;
  logger: Logger;
  /** A comment line this often keeps idle proxies and the client's watchdog happy. */
  heartbeatMs?: number;
}

export function createEventStreams(options: EventStreamOptions): EventStreams {
  const { control, logger } = options;
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const open = new Set<ServerResponse>();

  return {
    get openCount() {
      return open.size;
    },
    closeAll() {
      for (const res of [...open]) res.end();
    },
    async open(res) {
      res.writeHead(200, {
        ...BASE_HEADERS,
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-store",
        connection: "keep-alive",
        "x-accel-buffering": "no",
      });
      res.flushHeaders();
      open.add(res);

      let lastVersion = -Infinity;
      let pending: Snapshot | null = null;
      let blocked = false;
      const write = (text: string) => {
        if (res.writableEnded || res.destroyed) return;
        if (!res.write(text)) {
          blocked = true;
          res.once("drain", () => {
            blocked = false;
            const next = pending;
            pending = null;
            if (next) send(next);
          });
        }
      };
      const send = (snapshot: Snapshot) => {
        if (snapshot.version <= lastVersion) return; // already sent (or older)
        if (blocked) {
          pending = snapshot;
          return;
        }
        lastVersion = snapshot.version;
        write(`event: ${SNAPSHOT_EVENT}\ndata: ${JSON.stringify(snapshot)}\n\n`);
      };

      // Subscribe first, then read the current one: nothing published in between is lost.
      const unsubscribe = control.subscribe(send);
      const heartbeat = setInterval(() => {
        if (!blocked) write(": ping\n\n");
      }, heartbeatMs);
      heartbeat.unref();
      const cleanup = () => {
        clearInterval(heartbeat);
        unsubscribe();
        open.delete(res);
      };
      // The response's "close" is the client going away (the request's fires once its body is read).
      res.once("close", cleanup);

      try {
        send(await control.getSnapshot());
      } catch (e) {
        logger.warn("management events: could not read the first snapshot; closing the stream", { error: e });
        res.end();
      }
    },
  };
}
