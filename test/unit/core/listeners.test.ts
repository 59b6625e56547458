import { test } from "node:test";
import assert from "node:assert/strict";
import { notifyAll } from "../../../app/base/listeners.ts";

test("every listener hears the change even when one throws, and the throw is reported", () => {
  const heard: string[] = [];
  const errors: unknown[] = [];
  const listeners = new Set<(v: number) => void>([
    (v) => heard.push(`a${v}`),
    () => {
      throw new Error("boom");
    },
    (v) => heard.push(`c${v}`),
  ]);
  notifyAll(listeners, 1, (e) => errors.push(e));
  assert.deepEqual(heard, ["a1", "c1"]);
  assert.equal(errors.length, 1);
  assert.equal((errors[0] as Error).message, "boom");
});

test("a listener may unsubscribe itself while being told", () => {
  const heard: string[] = [];
  const listeners = new Set<(v: string) => void>();
  const once = (v: string) => {
    heard.push(`once:${v}`);
    listeners.delete(once);
  };
  listeners.add(once);
  listeners.add((v) => heard.push(`always:${v}`));
  notifyAll(listeners, "x", (e) => assert.fail(String(e)));
  notifyAll(listeners, "y", (e) => assert.fail(String(e)));
  assert.deepEqual(heard, ["once:x", "always:x", "always:y"]);
});
