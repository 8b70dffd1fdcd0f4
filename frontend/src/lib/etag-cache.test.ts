import { describe, expect, it } from 'vitest';
import { createEtagCache, forgetAllEtags } from './etag-cache';

describe('createEtagCache', () => {
  it('keeps bodies under their ETag and forgets a key stored without one', () => {
    const cache = createEtagCache<number, string>(5);
    cache.remember(1, '"a"', 'one');
    expect(cache.get(1)).toEqual({ etag: '"a"', data: 'one' });
    cache.remember(1, null, 'one again');
    expect(cache.get(1)).toBeUndefined();
  });

  it('drops the least recently stored key beyond its size', () => {
    const cache = createEtagCache<number, string>(2);
    cache.remember(1, '"1"', 'a');
    cache.remember(2, '"2"', 'b');
    cache.remember(1, '"1b"', 'a2'); // stored again: now the newest
    cache.remember(3, '"3"', 'c');
    expect(cache.get(2)).toBeUndefined();
    expect(cache.get(1)?.etag).toBe('"1b"');
    expect(cache.get(3)?.etag).toBe('"3"');
  });

  it('forgets one key, all of one cache, or every cache (the user changed)', () => {
    const a = createEtagCache<number, string>(5);
    const b = createEtagCache<string, string>(5);
    a.remember(1, '"1"', 'x');
    a.remember(2, '"2"', 'y');
    b.remember('k', '"k"', 'z');
    a.forget(1);
    expect(a.get(1)).toBeUndefined();
    expect(a.get(2)).toBeDefined();
    a.forget();
    expect(a.get(2)).toBeUndefined();
    forgetAllEtags();
    expect(b.get('k')).toBeUndefined();
  });
});
