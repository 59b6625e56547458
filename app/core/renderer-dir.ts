// Where the built dashboard lives (the same React build the Electron window loads).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";

export const PROJECT_ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const RENDERER_DIR = join(PROJECT_ROOT, "dist", "renderer");

/** The renderer build, or null when it was not built. */
export function builtRendererDir(dir: string = RENDERER_DIR): string | null {
  return existsSync(join(dir, "index.html")) ? dir : null;
}
