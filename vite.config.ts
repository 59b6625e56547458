// The renderer build: renderer/ → dist/renderer, with relative asset URLs (base "./")
// so the same files work under /ui/ of `cursor-relay serve` and from file:// in
// Electron. The built index.html carries the CSP as a meta tag too (Electron's
// file:// page has no response headers); the dev server's inline React preamble is
// why it is added at build time only.
import { fileURLToPath } from "node:url";
import { defineConfig, type Plugin } from "vite";
import react from "@vitejs/plugin-react";

const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'";

const cspMeta = (): Plugin => ({
  name: "cursor-relay-csp-meta",
  apply: "build",
  transformIndexHtml: () => [{ tag: "meta", attrs: { "http-equiv": "Content-Security-Policy", content: CSP }, injectTo: "head-prepend" }],
});

export default defineConfig({
  root: fileURLToPath(new URL("./renderer", import.meta.url)),
  base: "./",
  plugins: [react(), cspMeta()],
  build: {
    outDir: fileURLToPath(new URL("./dist/renderer", import.meta.url)),
    emptyOutDir: true,
    target: "es2022",
    sourcemap: false,
    modulePreload: { polyfill: false },
  },
});
