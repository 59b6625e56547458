// How several text blocks/parts of one message become one text. Claude Code sends a
// `<system-reminder>…</system-reminder>\n\n` block and then the prompt as a second block;
// other clients send parts like ["Look at this:", "and this"]. Plain concatenation
// glues the latter into "Look at this:and this"; always inserting "\n"
// adds a stray blank line to the former. So: a "\n" goes between two parts only when
// the earlier one does not already end with a line break. Empty parts are skipped.
export function joinTextParts(parts: readonly string[]): string {
  let out = "";
  for (const part of parts) {
    if (part === "") continue;
    if (out !== "" && !out.endsWith("\n")) out += "\n";
    out += part;
  }
  return out;
}
