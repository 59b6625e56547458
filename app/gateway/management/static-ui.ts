// /ui: the built renderer (dist/renderer), read-only. Only files inside uiDir are
// served (no "..", no hidden files, no symlink out of it); everything goes out with a
// strict CSP, so the page can load only its own scripts and talk only to this origin.
import type { IncomingMessage, ServerResponse } from "node:http";
import { createReadStream } from "node:fs";
import { realpath, stat } from "node:fs/promises";
import { extname, isAbsolute, join, relative } from "node:path";

export const UI_PREFIX = "/ui";

export const UI_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

const MIME: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".webp": "image/webp",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8",
  ".webmanifest": "application/manifest+json",
};

export function mimeTypeFor(path: string): string {
  return MIME[extname(path).toLowerCase()] ?? "application/octet-stream";
}

const PAGE_HEADERS = {
  "content-security-policy": UI_CONTENT_SECURITY_POLICY,
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
};

function plain(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    ...PAGE_HEADERS,
    "content-type": "text/plain; charset=utf-8",
    "content-length": String(Buffer.byteLength(text)),
    "cache-control": "no-store",
    ...headers,
  });
  res.end(text);
}

/** The file segments a /ui/ path names, or null when it may not name a file. */
export function uiPathSegments(pathAfterPrefix: string): string[] | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathAfterPrefix);
  } catch {
    return null;
  }
  if (decoded === "") return ["index.html"];
  if (/[\0\\]/.test(decoded)) return null;
  const segments = decoded.split("/");
  // No "." / ".." / empty segments, no hidden files.
  if (segments.some((s) => s === "" || s.startsWith("."))) return null;
  return segments;
}

export interface StaticUi {
  /** Serves `pathname` (starting with /ui) to a GET or HEAD. */
  serve(req: IncomingMessage, res: ServerResponse, pathname: string, search: string): Promise<void>;
}

export function createStaticUi(uiDir: string | null): StaticUi {
  let rootReal: Promise<string | null> | null = null;
  const root = () => (rootReal ??= uiDir === null ? Promise.resolve(null) : realpath(uiDir).catch(() => null));

  return {
    async serve(req, res, pathname, search) {
      if (req.method !== "GET" && req.method !== "HEAD") {
        plain(res, 405, "method not allowed\n", { allow: "GET, HEAD" });
        return;
      }
      // Relative asset URLs (base "./") only resolve under the trailing slash.
      if (pathname === UI_PREFIX) {
        res.writeHead(308, { ...PAGE_HEADERS, location: `${UI_PREFIX}/${search}`, "content-length": "0" });
        res.end();
        return;
      }
      const dir = await root();
      if (dir === null) {
        plain(res, 404, "the dashboard is not part of this build (run `npm run build:renderer`)\n");
        return;
      }
      const segments = uiPathSegments(pathname.slice(UI_PREFIX.length + 1));
      const file = segments === null ? null : await containedFile(dir, join(dir, ...segments));
      if (file === null) {
        plain(res, 404, "not found\n");
        return;
      }
      const isIndex = file.path === join(dir, "index.html");
      const immutable = relative(dir, file.path).startsWith(`assets${"/"}`) || relative(dir, file.path).startsWith("assets\\");
      res.writeHead(200, {
        ...PAGE_HEADERS,
        "content-type": mimeTypeFor(file.path),
        "content-length": String(file.size),
        "cache-control": immutable && !isIndex ? "public, max-age=31536000, immutable" : "no-cache",
      });
      if (req.method === "HEAD") {
        res.end();
        return;
      }
      createReadStream(file.path)
        .on("error", () => res.destroy())
        .pipe(res);
    },
  };
}

/** The real path and size of a regular file inside dir, or null. */
async function containedFile(dir: string, candidate: string): Promise<{ path: string; size: number } | null> {
  try {
    const real = await realpath(candidate);
    const rel = relative(dir, real);
    if (rel === "" || rel.startsWith("..") || isAbsolute(rel)) return null;
    const info = await stat(real);
    return info.isFile() ? { path: real, size: info.size } : null;
  } catch {
    return null;
  }
}
