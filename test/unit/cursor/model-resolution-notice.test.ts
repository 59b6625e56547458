// The Cursor client resolves model ids itself (its live list, or the built-in one, and
// the user's model map) and tells its owner how a turn's name was mapped, per account.
import assert from "node:assert/strict";
import { test } from "node:test";
import { createCursorClient } from "../../../app/cursor/client.ts";
import type { ModelResolution } from "../../../app/cursor/models.ts";

test("resolveModelId reports each mapping with the account it was made for; a lookup without an account reports nothing", async () => {
  const seen: { resolution: ModelResolution & { source: string }; account: string }[] = [];
  // Nothing listens on port 1: the list falls back to the built-in one at once.
  const client = createCursorClient({
    baseUrl: "http://127.0.0.1:1",
    modelMap: { "my-model": "gpt-4o" },
    onDiagnostic: () => {},
    onModelResolved: (resolution, account) => seen.push({ resolution, account }),
  });
  try {
    assert.equal(await client.resolveModelId("my-model", "tok", "acct-1"), "gpt-4o");
    assert.equal(await client.resolveModelId("gemini-2.5-pro", "tok", "acct-2"), "gemini-2.5-pro");
    await client.resolveModelId("gpt-4o", "tok");
    assert.deepEqual(
      seen.map((s) => [s.account, s.resolution.clientModel, s.resolution.cursorModel, s.resolution.match, s.resolution.source]),
      [
        ["acct-1", "my-model", "gpt-4o", "override", "builtin"],
        ["acct-2", "gemini-2.5-pro", "gemini-2.5-pro", "exact", "builtin"],
      ],
    );
  } finally {
    client.close();
  }
});
