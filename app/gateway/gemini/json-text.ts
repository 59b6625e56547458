// With responseMimeType "application/json" the client parses the answer's text as JSON.
// Models often wrap it in a Markdown fence or a sentence; this recovers the JSON value:
// the text itself when it parses, else the inside of a ```json fence, else the span from
// the first `{`/`[` to the matching last `}`/`]`. Text with no JSON in it is returned
// trimmed and unchanged, so the client reports the model's answer as it was.
const FENCE = /```(?:json|JSON)?\s*\n?([\s\S]*?)```/;

const parses = (text: string): boolean => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

export function extractJsonText(text: string): string {
  const trimmed = text.trim();
  if (trimmed === "" || parses(trimmed)) return trimmed;
  const fenced = FENCE.exec(trimmed)?.[1]?.trim();
  if (fenced !== undefined && parses(fenced)) return fenced;
  for (const [open, close] of [
    ["{", "}"],
    ["[", "]"],
  ] as const) {
    const start = trimmed.indexOf(open);
    const end = trimmed.lastIndexOf(close);
    if (start >= 0 && end > start) {
      const span = trimmed.slice(start, end + 1);
      if (parses(span)) return span;
    }
  }
  return trimmed;
}
