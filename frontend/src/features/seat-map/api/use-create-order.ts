import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { Order, OrderSeatRequest } from '@/types/api';
import { refreshAfterSeatError } from './seat-mutation';

export interface CreateOrderInput {
  showId: number;
  /** Seats I hold, each with the ticket type chosen for it. */
  seats: OrderSeatRequest[];
}

export function createOrder({ showId, seats }: CreateOrderInput): Promise<Order> {
  return api.post<Order>('/api/orders/', { show_id: showId, seats });
}

/** POST /api/orders/: the held seats at today's prices, an order to pay. */
export function useCreateOrder() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createOrder,
    // A 409 (not held, not sold at that price) means the map or its prices are stale.
    onError: (error, { showId }) => refreshAfterSeatError(queryClient, showId, error),
  });
}
