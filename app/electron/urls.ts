// Which URLs the window may hand to the system browser, and which page may talk to the
// main process.

/** Only http(s) leaves the app (no file:, javascript:, custom protocol handlers). */
export function isExternalUrlAllowed(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === "https:" || u.protocol === "http:";
  } catch {
    return false;
  }
}

/**
 * True when `senderUrl` is our renderer: the same file (file://, any query or fragment)
 * or, for a dev server, the same origin.
 */
export function isTrustedRendererUrl(senderUrl: string | null | undefined, rendererUrl: string): boolean {
  if (!senderUrl) return false;
  let sender: URL;
  let ours: URL;
  try {
    sender = new URL(senderUrl);
    ours = new URL(rendererUrl);
  } catch {
    return false;
  }
  if (ours.protocol === "file:") return sender.protocol === "file:" && sender.host === ours.host && sender.pathname === ours.pathname;
  if (ours.protocol === "http:" || ours.protocol === "https:") return sender.origin === ours.origin;
  return false;
}
