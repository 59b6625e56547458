// A module resolve hook (node:module register) that maps the specifier "electron" to the
// test's stand-in, for the built main process and for packages it loads (electron-store).
let fakeUrl = null;

export function initialize(data) {
  fakeUrl = data.fakeUrl;
}

export async function resolve(specifier, context, next) {
  if (specifier === "electron") return { url: fakeUrl, shortCircuit: true };
  return next(specifier, context);
}
