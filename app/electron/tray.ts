// The tray icon and its menu, rebuilt from each snapshot (and every 30 s while a
// cooldown counts down). The look per state comes from tray-menu.ts.
import { Menu, Tray, nativeImage, type NativeImage } from "electron";
import { join } from "node:path";
import type { Snapshot } from "../base/control-api.ts";
import { buildTrayMenuTemplate, needsTicking, trayIconState, trayTooltip, type TrayActions, type TrayIconState } from "./tray-menu.ts";

export interface TrayController {
  update(snapshot: Snapshot | null): void;
  /** Rebuilds the menu with the last snapshot (e.g. after the launch-at-login setting changed). */
  refresh(): void;
  destroy(): void;
}

export interface TrayOptions {
  /** The folder with build/tray's icons. */
  iconDir: string;
  actions: TrayActions;
  launchAtLogin(): boolean | null;
  now?: () => number;
  /** Left click opens the window (Windows and Linux; macOS shows the menu). */
  onClick?: () => void;
}

export function createTrayController(options: TrayOptions): TrayController {
  const now = options.now ?? Date.now;
  const mac = process.platform === "darwin";
  const icons = new Map<TrayIconState, NativeImage>();
  const icon = (state: TrayIconState) => {
    let img = icons.get(state);
    if (!img) {
      // nativeImage picks up name@2x.png next to it; "Template" makes macOS tint it for the menu bar.
      img = nativeImage.createFromPath(join(options.iconDir, mac ? `${state}Template.png` : `${state}.png`));
      if (mac) img.setTemplateImage(true);
      icons.set(state, img);
    }
    return img;
  };

  let last: Snapshot | null = null;
  let shownState: TrayIconState | null = null;
  const tray = new Tray(icon("off"));
  tray.setToolTip(trayTooltip(null));
  if (options.onClick && !mac) tray.on("click", options.onClick);

  const render = () => {
    const t = now();
    const state = trayIconState(last, t);
    if (state !== shownState) {
      tray.setImage(icon(state));
      shownState = state;
    }
    tray.setToolTip(trayTooltip(last, t));
    tray.setContextMenu(Menu.buildFromTemplate(buildTrayMenuTemplate(last, t, options.actions, { launchAtLogin: options.launchAtLogin() })));
  };
  const ticker = setInterval(() => {
    if (needsTicking(last, now())) render();
  }, 30_000);
  ticker.unref?.();
  render();

  return {
    update(snapshot) {
      last = snapshot;
      render();
    },
    refresh: render,
    destroy() {
      clearInterval(ticker);
      tray.destroy();
    },
  };
}
