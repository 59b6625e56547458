// Test helper: an in-process stand-in for the Connect AgentService client, so the Run
// state machine (heartbeats, watchdog, replies, ending) can be driven with a ManualClock.
// Network behaviour is covered by the integration tests against the fake Cursor.
import { create, toBinary, type MessageInitShape } from "@bufbuild/protobuf";
import { Code, ConnectError, type Client } from "@connectrpc/connect";
import {
  AgentServerFrameSchema,
  type AgentClientFrame,
  type AgentService,
  type AgentServerFrame,
} from "../../../proto/gen/agent/v1/agent_service_pb.ts";
import { InteractionUpdateSchema } from "../../../proto/gen/agent/v1/agent_pb.ts";
import type { RunOptions } from "../../../app/cursor/types.ts";
import { AsyncQueue } from "../../../app/cursor/async-queue.ts";

export class ScriptedAgent {
  readonly received: AgentClientFrame[] = [];
  readonly frames = new AsyncQueue<AgentServerFrame | Error>();
  aborted = false;
  requestEnded = false;
  calls = 0;

  readonly client = {
    run: (requests: AsyncIterable<AgentClientFrame>, opts: { signal?: AbortSignal }) => {
      this.calls++;
      void (async () => {
        for await (const f of requests) this.received.push(f);
        this.requestEnded = true;
      })();
      opts.signal?.addEventListener("abort", () => {
        this.aborted = true;
        this.frames.fail(new ConnectError("operation was aborted", Code.Canceled));
      });
      const frames = this.frames;
      return (async function* () {
        for (;;) {
          const r = await frames.next();
          if (r.done) return;
          if (r.value instanceof Error) throw r.value;
          yield r.value;
        }
      })();
    },
  } as unknown as Client<typeof AgentService>;

  send(init: MessageInitShape<typeof AgentServerFrameSchema>): void {
    this.frames.push(create(AgentServerFrameSchema, init));
  }

  fail(e: Error): void {
    this.frames.push(e);
  }

  endStream(): void {
    this.frames.end();
  }

  cases(): (string | undefined)[] {
    return this.received.map((f) => f.message.case);
  }
}

/** Lets queued promise callbacks run (the run reads frames asynchronously). */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setImmediate(r));
}

/** The bytes of one InteractionUpdate, as a server frame's `interactionUpdate` carries them. */
export const iu = (m: MessageInitShape<typeof InteractionUpdateSchema>["message"]) =>
  toBinary(InteractionUpdateSchema, create(InteractionUpdateSchema, { message: m } as MessageInitShape<typeof InteractionUpdateSchema>));
export const text = (t: string) => iu({ case: "textDelta", value: { text: t } });
export const HEARTBEAT = iu({ case: "heartbeat", value: {} });
export const TURN_ENDED = iu({ case: "turnEnded", value: {} });

/** The options of the Run every test starts: one turn "hi" with one tool and no blobs. */
export function runOptions(over: Partial<RunOptions> = {}): RunOptions {
  return {
    accessToken: "tok",
    conversationId: "c-1",
    modelId: "composer-2",
    userText: "hi",
    blobs: new Map(),
    tools: [{ name: "read", description: "Read", inputSchema: { type: "object" } }],
    ...over,
  };
}
