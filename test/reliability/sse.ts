// A strict reader of a text/event-stream body: yields {event, data} per blank-line
// terminated event, and reports a body that stops in the middle of an event.

export interface SseEvent {
  event: string | null;
  data: string;
}

export class SseProtocolError extends Error {}

export async function* readSse(body: AsyncIterable<Uint8Array>): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let buffer = "";
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
      const raw = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const ev = parseEvent(raw);
      if (ev) yield ev;
    }
  }
  buffer += decoder.decode();
  if (buffer.trim() !== "") throw new SseProtocolError(`the stream ended inside an event: ${JSON.stringify(buffer.slice(0, 200))}`);
}

function parseEvent(raw: string): SseEvent | null {
  let event: string | null = null;
  const data: string[] = [];
  for (const line of raw.split("\n")) {
    if (line === "" || line.startsWith(":")) continue;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
    if (field === "event") event = value;
    else if (field === "data") data.push(value);
    else throw new SseProtocolError(`unexpected SSE field ${JSON.stringify(field)}`);
  }
  if (event === null && data.length === 0) return null;
  return { event, data: data.join("\n") };
}
