// Test helper: lists the top-level (field number, bytes) pairs of a protobuf message with
// the library's BinaryReader, so tests can assert exact field numbers on the wire.
import { BinaryReader, WireType } from "@bufbuild/protobuf/wire";

export interface WireField {
  no: number;
  wireType: WireType;
  /** payload of a LEN field (without the length prefix); raw bytes otherwise */
  data: Uint8Array;
}

export function wireFields(bytes: Uint8Array): WireField[] {
  const r = new BinaryReader(bytes);
  const out: WireField[] = [];
  while (r.pos < r.len) {
    const [no, wireType] = r.tag();
    if (wireType === WireType.LengthDelimited) out.push({ no, wireType, data: r.bytes() });
    else out.push({ no, wireType, data: r.skip(wireType, no) });
  }
  return out;
}

/** Follows a path of LEN field numbers and returns the field numbers found at the end. */
export function fieldNumbersAt(bytes: Uint8Array, path: number[]): number[] {
  let cur = bytes;
  for (const no of path) {
    const f = wireFields(cur).find((x) => x.no === no);
    if (!f) throw new Error(`field ${no} missing on path ${path.join(".")}`);
    cur = f.data;
  }
  return wireFields(cur).map((f) => f.no);
}

export const fromHex = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h.replace(/\s+/g, ""), "hex"));
export const toHex = (b: Uint8Array): string => Buffer.from(b).toString("hex");
