import { useQuery } from '@tanstack/react-query';
import { apiFetch } from '@/lib/api-client';
import type { HallLayout } from '@/types/api';

/** How often the seat map is polled while the tab is visible. */
export const HALL_LAYOUT_POLL_MS = 2_000;

interface CachedLayout {
  etag: string;
  data: HallLayout;
}

// Last ETag + body per show. On 304 we hand back the *same object*, so
// TanStack Query sees identical data and nothing re-renders.
const layoutCache = new Map<number, CachedLayout>();
const MAX_CACHED_SHOWS = 20;

/** Forget cached ETags (all shows, or one): next fetch is unconditional. */
export function resetHallLayoutCache(showId?: number): void {
  if (showId === undefined) layoutCache.clear();
  else layoutCache.delete(showId);
}

export async function getHallLayout(showId: number, signal?: AbortSignal): Promise<HallLayout> {
  const url = `/api/hall-layout/${showId}/`;
  const cached = layoutCache.get(showId);
  const res = await apiFetch<HallLayout>(url, {
    signal,
    headers: cached ? { 'If-None-Match': cached.etag } : undefined,
  });

  if (res.status === 304) {
    if (cached) return cached.data;
    // 304 without anything cached (cache reset mid-flight): ask again, plainly.
    const fresh = await apiFetch<HallLayout>(url, { signal });
    if (!fresh.data) throw new Error('Empty hall layout response');
    rememberLayout(showId, fresh.headers.get('ETag'), fresh.data);
    return fresh.data;
  }

  if (!res.data) throw new Error('Empty hall layout response');
  rememberLayout(showId, res.headers.get('ETag'), res.data);
  return res.data;
}

function rememberLayout(showId: number, etag: string | null, data: HallLayout) {
  layoutCache.delete(showId);
  if (!etag) return;
  layoutCache.set(showId, { etag, data });
  if (layoutCache.size > MAX_CACHED_SHOWS) {
    const oldest = layoutCache.keys().next().value;
    if (oldest !== undefined) layoutCache.delete(oldest);
  }
}

export const hallLayoutQueryKey = (showId: number) => ['hall-layout', showId] as const;

export function useHallLayout(showId: number) {
  return useQuery({
    queryKey: hallLayoutQueryKey(showId),
    queryFn: ({ signal }) => getHallLayout(showId, signal),
    enabled: Number.isFinite(showId) && showId > 0,
    staleTime: 0,
    refetchInterval: HALL_LAYOUT_POLL_MS,
    refetchIntervalInBackground: false,
    refetchOnWindowFocus: true,
  });
}
