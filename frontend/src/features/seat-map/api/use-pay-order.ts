import { useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { bookingsQueryKey, hallLayoutQueryKey } from '@/lib/query-keys';
import type { HallLayout, Order, PayRequest } from '@/types/api';
import { refetchHallLayout } from './get-hall-layout';
import { patchLayout, refreshAfterSeatError } from './seat-mutation';

export interface PayOrderInput {
  order: Pick<Order, 'reference' | 'show_id'>;
  payment: PayRequest;
}

/**
 * POST /api/orders/{reference}/pay/. The order comes back `paid` or `box_office` (200: booked), or
 * `processing` (202: the provider answers later; poll it with useOrderPolling).
 */
export function payOrder({ order, payment }: PayOrderInput): Promise<Order> {
  return api.post<Order>(`/api/orders/${encodeURIComponent(order.reference)}/pay/`, payment);
}

/** A booked order (paid, or to pay at the box office): its seats show booked (by you) now, the next poll confirms. */
export function applyBookedOrder(queryClient: QueryClient, order: Order) {
  if (order.status !== 'paid' && order.status !== 'box_office') return;
  const seatIds = order.lines.map((l) => l.seat_id);
  queryClient.setQueryData<HallLayout>(hallLayoutQueryKey(order.show_id), (old) =>
    patchLayout(old, seatIds, (s) => ({ ...s, status: 'booked', booked_by_me: true, held_by_me: false, held_until: null })),
  );
  void refetchHallLayout(queryClient, order.show_id, true);
  void queryClient.invalidateQueries({ queryKey: bookingsQueryKey });
}

export function usePayOrder() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: payOrder,
    onSuccess: (order) => applyBookedOrder(queryClient, order),
    // A 402 (declined) keeps the holds: nothing to reload. A 409 (expired...) does.
    onError: (error, { order }) => refreshAfterSeatError(queryClient, order.show_id, error),
  });
}
