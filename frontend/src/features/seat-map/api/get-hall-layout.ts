import { useQuery, type QueryClient } from '@tanstack/react-query';
import { apiFetch } from '@/lib/api-client';
import { createEtagCache } from '@/lib/etag-cache';
import { hallLayoutQueryKey } from '@/lib/query-keys';
import type { HallLayout } from '@/types/api';

/** How often the seat map is polled while the tab is visible. */
export const HALL_LAYOUT_POLL_MS = 2_000;

// Last ETag + body per show, so a 304 hands back the very same object.
const layoutCache = createEtagCache<number, HallLayout>(20);

/** Forget cached ETags (all shows, or one): next fetch is unconditional. */
export function resetHallLayoutCache(showId?: number): void {
  layoutCache.forget(showId);
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
    layoutCache.remember(showId, fresh.headers.get('ETag'), fresh.data);
    return fresh.data;
  }

  if (!res.data) throw new Error('Empty hall layout response');
  layoutCache.remember(showId, res.headers.get('ETag'), res.data);
  return res.data;
}

/** Poll the layout now; `fresh` first drops the ETag so the answer is a full body. */
export function refetchHallLayout(queryClient: QueryClient, showId: number, fresh = false) {
  if (fresh) resetHallLayoutCache(showId);
  return queryClient.invalidateQueries({ queryKey: hallLayoutQueryKey(showId) });
}

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
