import { test } from "node:test";
import assert from "node:assert/strict";
import { MANAGEMENT_KEY_STORAGE, takeManagementKey } from "../../../renderer/src/control/management-key.ts";

function place(hash: string, stored: string | null = null) {
  const storage = new Map<string, string>(stored === null ? [] : [[MANAGEMENT_KEY_STORAGE, stored]]);
  const replaced: string[] = [];
  return {
    storage,
    replaced,
    value: {
      location: { hash, pathname: "/ui/", search: "?x=1" },
      storage: { getItem: (k: string) => storage.get(k) ?? null, setItem: (k: string, v: string) => void storage.set(k, v) },
      replaceUrl: (url: string) => void replaced.push(url),
    },
  };
}

test("the key in the fragment moves to sessionStorage and leaves the address bar", () => {
  const p = place("#key=abc%2Bdef", "older");
  assert.equal(takeManagementKey(p.value), "abc+def");
  assert.equal(p.storage.get(MANAGEMENT_KEY_STORAGE), "abc+def");
  assert.deepEqual(p.replaced, ["/ui/?x=1"]);
  const other = place("#tab=2&key=k1");
  assert.equal(takeManagementKey(other.value), "k1");
  assert.deepEqual(other.replaced, ["/ui/?x=1#tab=2"], "other fragment parts stay");
});

test("without a fragment key the stored one is used; none at all is null", () => {
  const p = place("", "stored-key");
  assert.equal(takeManagementKey(p.value), "stored-key");
  assert.deepEqual(p.replaced, []);
  assert.equal(takeManagementKey(place("#nothing").value), null);
  const noStorage = { ...place("#key=k").value, storage: null };
  assert.equal(takeManagementKey(noStorage), "k", "works with storage disabled");
  const throwing = {
    ...place("").value,
    storage: { getItem: () => { throw new Error("denied"); }, setItem: () => { throw new Error("denied"); } },
  };
  assert.equal(takeManagementKey(throwing), null);
});
