// A stored checkpoint keeps its run's own blob map, not a copy: the server may set a blob the
// checkpoint needs after sending it, and the run writes that blob into the same map. So the
// map grows after the store took it, and the store must count those bytes against its cap
// when they arrive: CheckpointBlobs knows its size in bytes and tells its watchers each change.

type Resize = (deltaBytes: number) => void;

/** What one blob costs the store: its id and its bytes. */
export const blobCost = (id: string, data: Uint8Array): number => id.length + data.byteLength;

export class CheckpointBlobs extends Map<string, Uint8Array> {
  // Map's constructor would call set() before these fields exist: build with `of` instead.
  #bytes = 0;
  readonly #watchers = new Set<Resize>();

  /** A new map holding `entries` (e.g. a stored checkpoint's, copied for a replaying run). */
  static of(entries: Iterable<[string, Uint8Array]> = []): CheckpointBlobs {
    const blobs = new CheckpointBlobs();
    for (const [id, data] of entries) blobs.set(id, data);
    return blobs;
  }

  /** The ids' and blobs' bytes together. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Calls onResize with the change in bytes (0 for a same-size replacement) after every set, and every delete or clear that removed something; returns the unwatch. */
  watch(onResize: Resize): () => void {
    this.#watchers.add(onResize);
    return () => this.#watchers.delete(onResize);
  }

  override set(id: string, data: Uint8Array): this {
    const before = this.#costAt(id);
    super.set(id, data);
    this.#resized(blobCost(id, data) - before);
    return this;
  }

  override delete(id: string): boolean {
    const before = this.#costAt(id);
    const had = super.delete(id);
    if (had) this.#resized(-before);
    return had;
  }

  override clear(): void {
    const before = this.#bytes;
    const had = this.size > 0;
    super.clear();
    if (had) this.#resized(-before);
  }

  #costAt(id: string): number {
    const data = super.get(id);
    return data === undefined ? 0 : blobCost(id, data);
  }

  /** Every set is told, even one of the same size: a replaced blob must still reach the disk. */
  #resized(delta: number): void {
    this.#bytes += delta;
    for (const watcher of [...this.#watchers]) watcher(delta);
  }
}
