// Stands in for the `electron` module in tests of files that import it: each export
// forwards to what the test put on globalThis.__fakeElectron.
const fake = () => {
  const f = globalThis.__fakeElectron;
  if (!f) throw new Error("the test did not set globalThis.__fakeElectron");
  return f;
};
export const contextBridge = { exposeInMainWorld: (name, api) => fake().contextBridge.exposeInMainWorld(name, api) };
export const ipcRenderer = {
  invoke: (...a) => fake().ipcRenderer.invoke(...a),
  send: (...a) => fake().ipcRenderer.send(...a),
  on: (...a) => fake().ipcRenderer.on(...a),
};
export default { contextBridge, ipcRenderer };
