import { useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { bookingsQueryKey } from '@/lib/query-keys';
import type { BookResponse } from '@/types/api';
import { useSeatMutation, type SeatsInput } from './seat-mutation';

export interface BookInput extends SeatsInput {
  /** Same key for retries of one confirm attempt, fresh for each new attempt. */
  idempotencyKey: string;
}

export function bookSeats({ showId, seatIds, idempotencyKey }: BookInput): Promise<BookResponse> {
  return api.post<BookResponse>(
    '/api/book-seat/',
    { show_id: showId, seat_ids: seatIds },
    { headers: { 'Idempotency-Key': idempotencyKey } },
  );
}

export function useBookSeats() {
  const queryClient = useQueryClient();
  return useSeatMutation({
    mutationFn: bookSeats,
    patch: (res, { seatIds }) => ({
      seatIds: res.booking.seat_ids ?? seatIds,
      change: (s) => ({ ...s, status: 'booked', held_by_me: false, held_until: null }),
      fresh: true,
    }),
    onPatched: () => void queryClient.invalidateQueries({ queryKey: bookingsQueryKey }),
  });
}
