// A Server-Sent Events parser for a fetch() body (EventSource cannot send the
// Authorization header). Feed it decoded text in any chunking; it calls onEvent for
// each complete event. Follows the WHATWG rules that matter here: LF / CRLF / CR line
// ends, `:` comments, `event:` / `data:` fields with one optional leading space,
// multi-line data joined with "\n", a blank line dispatches.
export interface SseEvent {
  event: string;
  data: string;
}

export interface SseParser {
  push(text: string): void;
}

export function createSseParser(onEvent: (event: SseEvent) => void): SseParser {
  let buffer = "";
  let eventName = "";
  let data: string[] = [];
  let pendingCr = false;

  const line = (l: string) => {
    if (l === "") {
      if (data.length > 0) onEvent({ event: eventName || "message", data: data.join("\n") });
      eventName = "";
      data = [];
      return;
    }
    if (l.startsWith(":")) return;
    const colon = l.indexOf(":");
    const field = colon < 0 ? l : l.slice(0, colon);
    let value = colon < 0 ? "" : l.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "event") eventName = value;
    else if (field === "data") data.push(value);
  };

  return {
    push(text) {
      let s = text;
      // A CR at the end of the previous chunk may be half of a CRLF.
      if (pendingCr && s.startsWith("\n")) s = s.slice(1);
      pendingCr = false;
      buffer += s;
      for (;;) {
        const m = /\r\n|\r|\n/.exec(buffer);
        if (!m) break;
        if (m[0] === "\r" && m.index === buffer.length - 1) pendingCr = true;
        line(buffer.slice(0, m.index));
        buffer = buffer.slice(m.index + m[0].length);
      }
    },
  };
}
