// The Electron face's settings: electron-store over `<dataDir>/settings.json`, handed to
// the same conf-backed SettingsStore the headless face uses (electron-store is a Conf, and
// both open the file with the same options), so the two faces share the file and the code.
// electron-store 10 is pinned because it runs on conf 14, which runs on plain Node 20.
// It is opened at start-up, not on first need: a damaged file then stops the start with
// its message, and electron-store registers its main-process IPC handler.
import ElectronStore from "electron-store";
import { createConfSettingsStore, SETTINGS_FILE, SETTINGS_NAME, settingsFileOptions, type SettingsStore } from "../accounts/settings-store.ts";
import { RelayError } from "../base/errors.ts";
import { ensurePrivateDir } from "../base/json-file.ts";
import { errorMessage } from "./errors.ts";

export function createElectronSettingsStore(dataDir: string): SettingsStore {
  let store: ElectronStore<Record<string, unknown>>;
  try {
    ensurePrivateDir(dataDir);
    store = new ElectronStore<Record<string, unknown>>({ ...settingsFileOptions(dataDir), name: SETTINGS_NAME });
  } catch (e) {
    if (e instanceof RelayError) throw e;
    throw new RelayError({ kind: "config", status: 500, message: `settings file ${dataDir}/${SETTINGS_FILE} could not be read (${errorMessage(e)}); fix or remove it`, cause: e });
  }
  return createConfSettingsStore(dataDir, () => store);
}
