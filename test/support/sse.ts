// Independent readers of a text/event-stream body (WHATWG field rules for the subset the
// relay writes), kept apart from the product's own parsers so a test checks the bytes.
// parseSse reads a whole body; readSse reads one as it arrives and is strict: an unknown
// field or a body that stops in the middle of an event is an SseProtocolError.

export interface SseEvent {
  event: string | null;
  data: string;
}

export class SseProtocolError extends Error {}

export interface SseBlockOptions {
  /** Throw on a field other than event/data (default: ignore it). */
  strict?: boolean;
  /** Receives each comment line (without the colon), e.g. keep-alives. */
  onComment?: (text: string) => void;
}

/** One blank-line terminated block → its event, or null when it held no event or data line. */
export function parseSseBlock(block: string, options: SseBlockOptions = {}): SseEvent | null {
  let event: string | null = null;
  const data: string[] = [];
  for (const line of block.split("\n")) {
    if (line === "") continue;
    if (line.startsWith(":")) {
      options.onComment?.(line.slice(1).trim());
      continue;
    }
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
    if (field === "event") event = value;
    else if (field === "data") data.push(value);
    else if (options.strict) throw new SseProtocolError(`unexpected SSE field ${JSON.stringify(field)}`);
  }
  if (event === null && data.length === 0) return null;
  return { event, data: data.join("\n") };
}

/** A whole event-stream body → its events, in order. */
export function parseSse(text: string): SseEvent[] {
  const out: SseEvent[] = [];
  for (const block of text.split("\n\n")) {
    const ev = parseSseBlock(block);
    if (ev) out.push(ev);
  }
  return out;
}

/** Feeds text as it arrives; calls onEvent for each complete event. */
export function createSseSplitter(onEvent: (e: SseEvent) => void, options: SseBlockOptions = {}): { push(text: string): void; rest(): string } {
  let buffer = "";
  return {
    push(text) {
      buffer += text;
      for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
        const ev = parseSseBlock(buffer.slice(0, end), options);
        buffer = buffer.slice(end + 2);
        if (ev) onEvent(ev);
      }
    },
    rest: () => buffer,
  };
}

/** Reads a response body event by event (strict). */
export async function* readSse(body: AsyncIterable<Uint8Array>): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  const ready: SseEvent[] = [];
  const splitter = createSseSplitter((e) => ready.push(e), { strict: true });
  for await (const chunk of body) {
    splitter.push(decoder.decode(chunk, { stream: true }));
    yield* ready.splice(0);
  }
  splitter.push(decoder.decode());
  yield* ready.splice(0);
  const rest = splitter.rest();
  if (rest.trim() !== "") throw new SseProtocolError(`the stream ended inside an event: ${JSON.stringify(rest.slice(0, 200))}`);
}
