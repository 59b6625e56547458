// The Electron face's settings: electron-store over `<dataDir>/settings.json`, the very
// file the headless face reads and writes with its own file store, in the same format
// (2-space JSON, mode 0600), through the same SettingsStore port.
//
// Why electron-store here only: it and conf (the library under it) declare node >= 22,
// while the core and `cursor-relay serve` must run on Node 20; Electron's bundled Node
// meets that, plain Node 20 does not. So the headless face keeps its file store and
// both faces share the file, not the code. conf reads the file on every access (no
// watcher), so a change made by the CLI is seen by the running app, as with the twin.
import ElectronStore from "electron-store";
import { SETTINGS_FILE, type SettingsStore } from "../accounts/settings-store.ts";
import { RelayError } from "../base/errors.ts";
import { errorMessage } from "./errors.ts";

const NAME = SETTINGS_FILE.replace(/\.json$/, "");

export function createElectronSettingsStore(dataDir: string): SettingsStore {
  let store: ElectronStore;
  try {
    store = new ElectronStore({
      cwd: dataDir,
      name: NAME,
      configFileMode: 0o600,
      serialize: (value) => JSON.stringify(value, null, 2) + "\n",
    });
  } catch (e) {
    throw new RelayError({ kind: "config", status: 500, message: `settings file ${dataDir}/${SETTINGS_FILE} could not be read (${errorMessage(e)}); fix or remove it`, cause: e });
  }
  return {
    get: (key) => store.get(key),
    set(key, value) {
      // conf refuses undefined; the port's meaning of it is "remove".
      if (value === undefined) store.delete(key);
      else store.set(key, value);
    },
    delete: (key) => store.delete(key),
    get store() {
      return store.store;
    },
  };
}
