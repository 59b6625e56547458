import assert from "node:assert/strict";
import { test } from "node:test";
import { RelayError } from "../../../app/base/errors.ts";
import { DEFAULT_PORT } from "../../../app/relay/relay-app.ts";
import { electronRelayOptions } from "../../../app/electron/relay-options.ts";

const env = { CURSOR_RELAY_DATA_DIR: "/tmp/cr-data" };

test("the tray app reads the same variables as `serve`: port, relay key, data folder, Cursor URL, secret store, log level", () => {
  assert.deepEqual(
    electronRelayOptions({
      ...env,
      CURSOR_RELAY_PORT: "0",
      CURSOR_RELAY_API_KEY: "a-relay-key",
      CURSOR_RELAY_CURSOR_API: "http://127.0.0.1:9999/",
      CURSOR_RELAY_SECRET_STORE: "file",
      CURSOR_RELAY_LOG_LEVEL: "debug",
    }),
    { dataDir: "/tmp/cr-data", cursorApi: "http://127.0.0.1:9999", secretStore: "file", port: 0, apiKey: "a-relay-key", logLevel: "debug" },
  );
  const defaults = electronRelayOptions({ ...env, CURSOR_RELAY_PORT: "", CURSOR_RELAY_API_KEY: "" });
  assert.equal(defaults.port, DEFAULT_PORT);
  assert.equal("apiKey" in defaults, false, "an empty key means none, as for serve");
  assert.equal(defaults.logLevel, "info");
});

test("a bad port or a short relay key is a clear error naming the variable", () => {
  for (const [vars, message] of [
    [{ CURSOR_RELAY_PORT: "80a" }, /^CURSOR_RELAY_PORT: not a port number: "80a"$/],
    [{ CURSOR_RELAY_PORT: "70000" }, /^CURSOR_RELAY_PORT: not a port number/],
    [{ CURSOR_RELAY_API_KEY: "short" }, /^CURSOR_RELAY_API_KEY: use at least 8 characters$/],
  ] as const) {
    assert.throws(
      () => electronRelayOptions({ ...env, ...vars }),
      (e: unknown) => e instanceof RelayError && e.kind === "config" && message.test(e.message),
    );
  }
});
