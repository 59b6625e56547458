// The one table `npm run bench` prints (and the README shows): figure, result, target.

export interface Row {
  figure: string;
  result: string;
  target: string;
  met: boolean;
}

export function renderTable(rows: Row[]): string {
  const head = ["figure", "result (median, min–max)", "target", "met"];
  const body = rows.map((r) => [r.figure, r.result, r.target, r.met ? "yes" : "NO"]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  return [line(head), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...body.map(line)].join("\n");
}

const fmt = (n: number, digits: number) => n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** `12.3 (10.1–15.0)` for a summary. */
export function range(s: { median: number; min: number; max: number }, digits = 1, unit = ""): string {
  return `${fmt(s.median, digits)}${unit} (${fmt(s.min, digits)}–${fmt(s.max, digits)})`;
}
