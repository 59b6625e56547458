// "Launch at login": the OS keeps the setting (macOS login items, Windows Run key), so
// there is nothing of ours to store. Linux has no such API in Electron: null.
import { app } from "electron";

export function launchAtLogin(): boolean | null {
  if (process.platform !== "darwin" && process.platform !== "win32") return null;
  return app.getLoginItemSettings().openAtLogin;
}

export function setLaunchAtLogin(enabled: boolean): void {
  if (process.platform !== "darwin" && process.platform !== "win32") return;
  app.setLoginItemSettings({ openAtLogin: enabled });
}
