// A stored checkpoint keeps its run's own blob map, not a copy: the server may set a blob the
// checkpoint needs after sending it, and the run writes that blob into the same map. So the
// map grows after the store took it, and the store must count those bytes against its cap
// when they arrive. watchBlobs reports every change in the map's size, in bytes.
export type BlobMap = Map<string, Uint8Array>;

type Resize = (deltaBytes: number) => void;

/** What one blob costs the store: its id and its bytes. */
export const blobCost = (id: string, data: Uint8Array): number => id.length + data.byteLength;

export function blobMapBytes(blobs: BlobMap): number {
  let n = 0;
  for (const [id, data] of Map.prototype.entries.call(blobs) as IterableIterator<[string, Uint8Array]>) n += blobCost(id, data);
  return n;
}

const watchers = new WeakMap<BlobMap, Set<Resize>>();

/** Calls onResize with the change in bytes whenever the map's set, delete or clear runs; returns the unwatch. */
export function watchBlobs(blobs: BlobMap, onResize: Resize): () => void {
  let listeners = watchers.get(blobs);
  if (!listeners) {
    listeners = new Set();
    watchers.set(blobs, listeners);
    reportResizes(blobs, listeners);
  }
  listeners.add(onResize);
  return () => listeners.delete(onResize);
}

/** The map's own set/delete/clear, each followed by the size change (the run only holds a Map). */
function reportResizes(blobs: BlobMap, listeners: Set<Resize>): void {
  const costAt = (id: string): number => {
    const data = Map.prototype.get.call(blobs, id) as Uint8Array | undefined;
    return data === undefined ? 0 : blobCost(id, data);
  };
  const tell = (delta: number) => {
    if (delta !== 0) for (const l of [...listeners]) l(delta);
  };
  const own = (value: unknown) => ({ value, writable: true, configurable: true });
  Object.defineProperties(blobs, {
    set: own((id: string, data: Uint8Array) => {
      const before = costAt(id);
      Map.prototype.set.call(blobs, id, data);
      tell(blobCost(id, data) - before);
      return blobs;
    }),
    delete: own((id: string) => {
      const before = costAt(id);
      const had = Map.prototype.delete.call(blobs, id);
      tell(-before);
      return had;
    }),
    clear: own(() => {
      const before = blobMapBytes(blobs);
      Map.prototype.clear.call(blobs);
      tell(-before);
    }),
  });
}
