// Last ETag + body per key for conditional GETs. On a 304 the caller hands back
// the *same object*, so TanStack Query sees identical data and nothing re-renders.

export interface EtagEntry<T> {
  etag: string;
  data: T;
}

export interface EtagCache<K, T> {
  get(key: K): EtagEntry<T> | undefined;
  /** Keep the body under its ETag (a response without one forgets the key). */
  remember(key: K, etag: string | null, data: T): void;
  /** Forget one key, or all: the next fetch is unconditional. */
  forget(key?: K): void;
}

// Bodies can be per-user (held_by_me), so every cache is dropped when the
// signed-in user changes; see forgetAllEtags.
const caches = new Set<EtagCache<unknown, unknown>>();

/** A cache of at most maxEntries keys; the least recently stored goes first. */
export function createEtagCache<K, T>(maxEntries: number): EtagCache<K, T> {
  const entries = new Map<K, EtagEntry<T>>();
  const cache: EtagCache<K, T> = {
    get: (key) => entries.get(key),
    remember(key, etag, data) {
      entries.delete(key);
      if (!etag) return;
      entries.set(key, { etag, data });
      if (entries.size > maxEntries) {
        const oldest = entries.keys().next().value;
        if (oldest !== undefined) entries.delete(oldest);
      }
    },
    forget(key) {
      if (key === undefined) entries.clear();
      else entries.delete(key);
    },
  };
  caches.add(cache as EtagCache<unknown, unknown>);
  return cache;
}

export function forgetAllEtags(): void {
  for (const cache of caches) cache.forget();
}
