// Every file under a folder with its content (latin1, so binary files read too): what the
// secret scans and data-dir checks look at.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

export function filesUnder(dir: string): { path: string; text: string }[] {
  const out: { path: string; text: string }[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      try {
        if (statSync(p).isDirectory()) walk(p);
        else out.push({ path: p, text: readFileSync(p, "latin1") });
      } catch (e) {
        // A temp file renamed into place between listing and reading: its content is in the
        // file it became, which the listing also has (or the next scan sees).
        if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
      }
    }
  };
  walk(dir);
  return out;
}
