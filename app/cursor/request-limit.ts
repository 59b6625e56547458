// The largest Run request the relay sends to Cursor. An HTTP/2 server resets a stream
// whose request outgrows its per-session memory with ENHANCE_YOUR_CALM (Node's default
// allowance is 10 MB; Cursor publishes no limit, and requests of 12 MB and more were seen
// refused). A bigger request is that request's error, refused before a Run opens, so it is
// never charged to the accounts it would be tried on; 8 MiB leaves room below 10 MB.
import { toBinary } from "@bufbuild/protobuf";
import { AgentClientFrameSchema, type AgentClientFrame } from "../../proto/gen/agent/v1/agent_service_pb.ts";
import { RelayError } from "../base/errors.ts";

/** Bytes of the first Run frame plus the blobs it brings (the system prompt), encoded. */
export const MAX_RUN_REQUEST_BYTES = 8 * 1024 * 1024;

const MIB = 1024 * 1024;
const mib = (bytes: number): string => `${(bytes / MIB).toFixed(1)} MiB`;

export function requestTooLargeError(bytes: number, limit: number = MAX_RUN_REQUEST_BYTES): RelayError {
  return new RelayError({
    kind: "too_large",
    status: 413,
    message:
      `the request is ${mib(bytes)} once encoded for Cursor; Cursor accepts at most ${mib(limit)} per request ` +
      "(conversation, system prompt, tools and images together): shorten the conversation or send smaller images",
  });
}

/**
 * Never below a message's encoded size, and found without encoding it: a string counts 3
 * bytes per UTF-16 unit (UTF-8's most), bytes as they are, any other value 10 (the longest
 * varint), and each field or element 32 more (tags, lengths, map keys).
 */
export function encodedSizeBound(value: unknown): number {
  if (typeof value === "string") return 3 * value.length;
  if (value instanceof Uint8Array) return value.byteLength;
  if (typeof value !== "object" || value === null) return 10;
  let n = 0;
  if (Array.isArray(value)) {
    for (const v of value) n += 32 + encodedSizeBound(v);
    return n;
  }
  for (const k in value) n += 32 + 3 * k.length + encodedSizeBound((value as Record<string, unknown>)[k]);
  return n;
}

/** The refusal for a first frame (plus `extraBytes` of blobs served with it) over the limit, else undefined. */
export function oversizedRunRequest(frame: AgentClientFrame, extraBytes: number, limit: number = MAX_RUN_REQUEST_BYTES): RelayError | undefined {
  // Connect encodes the frame to send it: encode it here only when it may be over the limit.
  if (encodedSizeBound(frame) + extraBytes <= limit) return undefined;
  const bytes = toBinary(AgentClientFrameSchema, frame).byteLength + extraBytes;
  return bytes > limit ? requestTooLargeError(bytes, limit) : undefined;
}
