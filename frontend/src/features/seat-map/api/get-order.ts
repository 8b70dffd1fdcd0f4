import { useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { Order } from '@/types/api';

/** How often an order whose payment the provider answers later is polled. */
export const ORDER_POLL_MS = 1_000;

export const orderQueryKey = (reference: string) => ['order', reference] as const;

export function getOrder(reference: string, signal?: AbortSignal): Promise<Order> {
  return api.get<Order>(`/api/orders/${encodeURIComponent(reference)}/`, { signal });
}

/**
 * GET /api/orders/{reference}/ once a second while its payment is `processing`, and no more once it
 * settled (paid, refunded, pending again...). Seed the cache with the `processing` order before
 * enabling it, so an answer cached from an earlier attempt is never taken for this one's.
 */
export function useOrderPolling(reference: string | null) {
  return useQuery({
    queryKey: orderQueryKey(reference ?? ''),
    queryFn: ({ signal }) => getOrder(reference!, signal),
    enabled: reference !== null,
    staleTime: 0,
    refetchInterval: (query) => (query.state.data?.status === 'processing' ? ORDER_POLL_MS : false),
    // The outcome of a payment matters even while the tab is in the background.
    refetchIntervalInBackground: true,
  });
}
