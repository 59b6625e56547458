// Opens a URL in the system browser. Failure is never fatal: the caller has already
// printed the URL for the user to open by hand.
import { spawn } from "node:child_process";

export type OpenBrowser = (url: string) => Promise<void>;

export function browserCommand(url: string, platform: NodeJS.Platform = process.platform): { cmd: string; args: string[] } {
  if (platform === "darwin") return { cmd: "open", args: [url] };
  // `start` is a cmd builtin; the empty "" is the window title so the URL is not taken for it.
  if (platform === "win32") return { cmd: "cmd", args: ["/c", "start", '""', url.replace(/&/g, "^&")] };
  return { cmd: "xdg-open", args: [url] };
}

export const openSystemBrowser: OpenBrowser = (url) =>
  new Promise((resolve, reject) => {
    const { cmd, args } = browserCommand(url);
    let child;
    try {
      child = spawn(cmd, args, { stdio: "ignore", detached: true, windowsVerbatimArguments: process.platform === "win32" });
    } catch (e) {
      reject(e instanceof Error ? e : new Error(String(e)));
      return;
    }
    child.once("error", (e) => reject(new Error(`could not run ${cmd}: ${e.message}`)));
    child.once("spawn", () => {
      child.unref();
      resolve();
    });
  });
