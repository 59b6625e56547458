// The dashboard link is http://127.0.0.1:<port>/ui/#key=<management key>. The
// fragment never reaches the server or a Referer; we move the key into sessionStorage
// (this tab only) and take it out of the address bar at once.
export const MANAGEMENT_KEY_STORAGE = "cursor-relay.managementKey";

export interface KeyPlace {
  location: { hash: string; pathname: string; search: string };
  storage: { getItem(key: string): string | null; setItem(key: string, value: string): void } | null;
  replaceUrl(url: string): void;
}

export function takeManagementKey(place: KeyPlace): string | null {
  const params = new URLSearchParams(place.location.hash.replace(/^#/, ""));
  const fromHash = params.get("key");
  if (fromHash) {
    try {
      place.storage?.setItem(MANAGEMENT_KEY_STORAGE, fromHash);
    } catch {
      // storage disabled: the key lives in memory for this page only
    }
    params.delete("key");
    const rest = params.toString();
    place.replaceUrl(place.location.pathname + place.location.search + (rest ? `#${rest}` : ""));
    return fromHash;
  }
  try {
    return place.storage?.getItem(MANAGEMENT_KEY_STORAGE) ?? null;
  } catch {
    return null;
  }
}
