// Hostile-input helper for the parsers: a full request with every field (at any depth)
// set to null, one field at a time; each copy must get a 400 or a request, never a crash.
export function eachFieldNull(full: unknown): unknown[] {
  const paths: Array<Array<string | number>> = [];
  const walk = (v: unknown, p: Array<string | number>) => {
    if (p.length > 0) paths.push(p);
    if (typeof v === "object" && v !== null) for (const [k, c] of Object.entries(v)) walk(c, [...p, Array.isArray(v) ? Number(k) : k]);
  };
  walk(full, []);
  return paths.map((path) => {
    const copy = structuredClone(full);
    let target: any = copy;
    for (const k of path.slice(0, -1)) target = target[k];
    target[path.at(-1)!] = null;
    return copy;
  });
}
