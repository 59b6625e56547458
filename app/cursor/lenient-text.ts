// A text or thinking delta whose string is not valid UTF-8 fails strict protobuf decoding.
// Losing the whole turn to a few bad bytes is worse than showing them as U+FFFD (what a
// non-strict UTF-8 decoder, like Cursor's own client, does), so such a delta is read
// again with the bad bytes replaced. Anything else that does not decode stays an error.
import { create } from "@bufbuild/protobuf";
import { BinaryReader, WireType } from "@bufbuild/protobuf/wire";
import { InteractionUpdateSchema, TextDeltaUpdateSchema, type InteractionUpdate } from "../../proto/gen/agent/v1/agent_pb.ts";

const replacing = new TextDecoder("utf-8", { ignoreBOM: true });
const TEXT_CASES = ["textDelta", "thinkingDelta"] as const;
type TextCase = (typeof TEXT_CASES)[number];
const caseOf = new Map<number, TextCase>(TEXT_CASES.map((c) => [InteractionUpdateSchema.field[c].number, c]));
const ONEOF_NUMBERS = new Set(InteractionUpdateSchema.fields.map((f) => f.number));
// TextDeltaUpdate and ThinkingDeltaUpdate both carry `string text = 1`.
const TEXT_FIELD = TextDeltaUpdateSchema.field.text.number;

function textOf(bytes: Uint8Array): string {
  const reader = new BinaryReader(bytes);
  let text = "";
  while (reader.pos < reader.len) {
    const [no, wt] = reader.tag();
    if (no === TEXT_FIELD && wt === WireType.LengthDelimited) text = replacing.decode(reader.bytes());
    else reader.skip(wt, no);
  }
  return text;
}

/** The text/thinking delta in these InteractionUpdate bytes, bad UTF-8 replaced by U+FFFD; undefined for anything else. */
export function lenientTextDelta(bytes: Uint8Array): InteractionUpdate | undefined {
  try {
    const reader = new BinaryReader(bytes);
    let found: { case: TextCase; text: string } | undefined;
    while (reader.pos < reader.len) {
      const [no, wt] = reader.tag();
      const textCase = caseOf.get(no);
      if (textCase !== undefined && wt === WireType.LengthDelimited) {
        found = { case: textCase, text: textOf(reader.bytes()) };
        continue;
      }
      // Another member of the oneof wins over an earlier text delta (last one counts).
      if (ONEOF_NUMBERS.has(no)) found = undefined;
      reader.skip(wt, no);
    }
    return found && create(InteractionUpdateSchema, { message: { case: found.case, value: { text: found.text } } });
  } catch {
    return undefined; // not even the framing parses: a real decode failure
  }
}
