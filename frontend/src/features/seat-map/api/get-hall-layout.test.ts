import { beforeEach, describe, expect, it } from 'vitest';
import { getHallLayout, resetHallLayoutCache } from './get-hall-layout';
import { json, makeLayout, mockFetch } from '@/testing/test-utils';

describe('getHallLayout (ETag polling)', () => {
  beforeEach(() => resetHallLayoutCache());

  it('sends If-None-Match with the last ETag and reuses the body on 304', async () => {
    const v1 = makeLayout();
    const v2 = makeLayout({}, { 1: { status: 'booked' } });
    const responses = [
      () => json(200, v1, { ETag: '"v1"' }),
      () => new Response(null, { status: 304, headers: { ETag: '"v1"' } }),
      () => json(200, v2, { ETag: '"v2"' }),
      () => new Response(null, { status: 304 }),
    ];
    const { requests } = mockFetch(() => responses.shift()!());

    const first = await getHallLayout(1);
    expect(requests[0]!.url).toBe('/api/hall-layout/1/');
    expect(requests[0]!.headers.get('If-None-Match')).toBeNull();
    expect(first.seats[0]!.status).toBe('available');

    const second = await getHallLayout(1);
    expect(requests[1]!.headers.get('If-None-Match')).toBe('"v1"');
    // Same object: TanStack Query sees no change, nothing re-renders.
    expect(second).toBe(first);

    const third = await getHallLayout(1);
    expect(requests[2]!.headers.get('If-None-Match')).toBe('"v1"');
    expect(third).not.toBe(first);
    expect(third.seats[0]!.status).toBe('booked');

    const fourth = await getHallLayout(1);
    expect(requests[3]!.headers.get('If-None-Match')).toBe('"v2"');
    expect(fourth).toBe(third);
  });

  it('keeps ETags per show and can forget them', async () => {
    const { requests } = mockFetch((req) =>
      json(200, makeLayout({ show_id: Number(req.url.split('/')[3]) }), { ETag: `"${req.url}"` }),
    );
    await getHallLayout(1);
    await getHallLayout(2);
    await getHallLayout(1);
    expect(requests[2]!.headers.get('If-None-Match')).toBe('"/api/hall-layout/1/"');
    resetHallLayoutCache(1);
    await getHallLayout(1);
    expect(requests[3]!.headers.get('If-None-Match')).toBeNull();
    await getHallLayout(2);
    expect(requests[4]!.headers.get('If-None-Match')).toBe('"/api/hall-layout/2/"');
  });

  it('recovers from a 304 when nothing is cached', async () => {
    const layout = makeLayout();
    const responses = [() => new Response(null, { status: 304 }), () => json(200, layout, { ETag: '"x"' })];
    mockFetch(() => responses.shift()!());
    // Simulate a stale conditional request by calling with an empty cache.
    const data = await getHallLayout(7);
    expect(data.movie_title).toBe('The Test Movie');
  });
});
