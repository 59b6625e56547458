import { homedir } from "node:os";
import { join } from "node:path";

/** The OS's app-data folder for cursor-relay (the same place Electron's userData points to). */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (platform === "darwin") return join(homedir(), "Library", "Application Support", "cursor-relay");
  if (platform === "win32") return join(env.APPDATA ?? join(homedir(), "AppData", "Roaming"), "cursor-relay");
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), ".config"), "cursor-relay");
}
