#!/usr/bin/env node
// `cursor-relay`: runs the compiled command line (dist/cli, built by `npm ci` through
// `prepare`) when it is newer than every source file, else the TypeScript sources
// through tsx — so an edited checkout never runs stale code, and `npx cursor-relay`
// works right after `npm ci` either way. CURSOR_RELAY_FROM_SOURCE=1 forces the sources.
import { fileURLToPath, pathToFileURL } from "node:url";
import { compiledCliIfFresh } from "./compiled-cli.js";

const compiled = compiledCliIfFresh(fileURLToPath(new URL("..", import.meta.url)));
let main;
if (compiled) {
  ({ main } = await import(pathToFileURL(compiled).href));
} else {
  const { register } = await import("tsx/esm/api");
  register();
  ({ main } = await import("../app/cli/main.ts"));
}
process.exitCode = await main(process.argv.slice(2));
