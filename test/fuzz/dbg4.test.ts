import { test } from "node:test";
import { startHarness } from "../helpers/relay-harness.ts";
import { createFuzzClient } from "./support/http-client.ts";
test("dbg4", async (t) => {
  for (const kind of ["invalid-utf8", "bit-flip", "truncated-envelope", "giant-length"]) {
    for (const stream of [true, false]) {
    const h = await startHarness(t, { scenario: { turns: [[{ text: "before " }, { malformed: kind }, { text: "after" }, { turnEnded: true }]] } as any });
    const c = createFuzzClient(h.url);
    const mu0 = process.memoryUsage();
    const res = await c.send({ method: "POST", path: "/v1/messages", headers: { "x-api-key": h.key, "content-type": "application/json" }, body: Buffer.from(JSON.stringify({ model: "claude-opus-4-8", max_tokens: 10, stream, messages: [{ role: "user", content: "hi" }] })) });
    const mu1 = process.memoryUsage();
    console.log(kind, stream, res.status, res.body.toString().replace(/\n/g, " | ").slice(-300), "ab+", ((mu1.arrayBuffers - mu0.arrayBuffers) / 1e6).toFixed(1), "rss+", ((mu1.rss - mu0.rss) / 1e6).toFixed(1));
    console.log("  ", h.logLines.filter((l) => /WARN|ERROR|decode/.test(l)).map((l) => l.slice(25, 250)).join("\n   "));
    c.close();
    await h.close();
    }
  }
});
