// Protocol drift counters: what the Cursor layer met that it did not expect — unknown
// fields per message type, unknown frame / update / exec kinds, ends of stream it did not
// plan for, error codes it does not classify. Only a kind, a short key (a message type
// name, a field number, a code) and counts with first/last-seen times are kept, never a
// message's contents, so the counters are safe to show and to put in a bug report.
// One process-wide table: the hooks are single calls from the decoding code paths.
import type { WireType } from "@bufbuild/protobuf/wire";

export type DriftKind =
  | "unknown_field" // key: "<message type>#<field number>"
  | "unknown_frame_kind" // key: AgentServerFrame field number
  | "unknown_exec_kind" // key: ExecServerMessage field number
  | "unknown_update_kind" // key: InteractionUpdate field number
  | "end_of_stream" // key: the shape, e.g. "ended_without_turn_ended"
  | "unclassified_error"; // key: the Connect code or "http_<status>"

export interface DriftEntry {
  kind: DriftKind;
  key: string;
  count: number;
  firstSeenAt: number;
  lastSeenAt: number;
}

export interface DriftCounters {
  note(kind: DriftKind, key: string | number): void;
  entries(): DriftEntry[];
  total(): number;
  reset(): void;
}

/** Keys stay short and printable whatever a caller passes (a key is never contents). */
const safeKey = (key: string | number): string => String(key).replace(/[^\w.#:-]/g, "_").slice(0, 80);
const MAX_ENTRIES = 200;

export function createDriftCounters(now: () => number = Date.now): DriftCounters {
  const table = new Map<string, DriftEntry>();
  return {
    note(kind, rawKey) {
      const key = safeKey(rawKey);
      const id = `${kind} ${key}`;
      const t = now();
      const entry = table.get(id);
      if (entry) {
        entry.count++;
        entry.lastSeenAt = t;
      } else if (table.size < MAX_ENTRIES) {
        table.set(id, { kind, key, count: 1, firstSeenAt: t, lastSeenAt: t });
      }
    },
    entries: () => [...table.values()].map((e) => ({ ...e })).sort((a, b) => a.firstSeenAt - b.firstSeenAt),
    total: () => [...table.values()].reduce((n, e) => n + e.count, 0),
    reset: () => table.clear(),
  };
}

/** The relay's counters (one per process). */
export const drift: DriftCounters = createDriftCounters();

export const noteDrift = (kind: DriftKind, key: string | number): void => drift.note(kind, key);

interface MessageLike {
  $typeName?: string;
  $unknown?: { no: number; wireType: WireType }[];
}

const isMessage = (v: unknown): v is MessageLike & Record<string, unknown> =>
  typeof v === "object" && v !== null && typeof (v as MessageLike).$typeName === "string";

/**
 * Counts every unknown field in a decoded message and its sub-messages (protobuf-es keeps
 * them in `$unknown`); returns the message so a decoder can wrap its result in one call.
 */
export function noteUnknownFields<T>(message: T): T {
  visit(message, 0);
  return message;
}

// Runs on every server frame, so it allocates nothing: for..in over own fields, and
// only objects are descended into.
function visit(value: unknown, depth: number): void {
  if (depth > 32 || typeof value !== "object" || value === null || value instanceof Uint8Array) return;
  if (Array.isArray(value)) {
    for (const v of value) visit(v, depth + 1);
    return;
  }
  if (!isMessage(value)) {
    // a oneof: { case, value }
    if ("case" in value) visit((value as { value?: unknown }).value, depth + 1);
    return;
  }
  const unknown = value.$unknown;
  if (unknown) for (const f of unknown) drift.note(kindOfUnknown(value.$typeName!), unknownKey(value.$typeName!, f.no));
  for (const k in value) {
    if (k === "$unknown") continue;
    const v = value[k];
    if (typeof v === "object" && v !== null) visit(v, depth + 1);
  }
}

/** An unknown member of the frame, update or exec "kind" oneofs is a new kind, not just a new field. */
function kindOfUnknown(typeName: string): DriftKind {
  if (typeName === "agent.v1.AgentServerFrame") return "unknown_frame_kind";
  if (typeName === "agent.v1.InteractionUpdate") return "unknown_update_kind";
  if (typeName === "agent.v1.ExecServerMessage") return "unknown_exec_kind";
  return "unknown_field";
}

const unknownKey = (typeName: string, no: number): string =>
  kindOfUnknown(typeName) === "unknown_field" ? `${typeName.replace(/^agent\.v1\./, "")}#${no}` : String(no);
