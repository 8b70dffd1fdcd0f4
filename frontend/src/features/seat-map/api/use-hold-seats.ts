import { api } from '@/lib/api-client';
import type { HoldResponse } from '@/types/api';
import { useSeatMutation, type SeatsInput } from './seat-mutation';

export function holdSeats({ showId, seatIds }: SeatsInput): Promise<HoldResponse> {
  return api.post<HoldResponse>('/api/hold-seat/', { show_id: showId, seat_ids: seatIds });
}

export function useHoldSeats() {
  return useSeatMutation({
    mutationFn: holdSeats,
    patch: (res, { seatIds }) => ({
      seatIds: res.seat_ids?.length ? res.seat_ids : seatIds,
      change: (s) => ({ ...s, status: 'held', held_by_me: true, held_until: res.held_until }),
      fresh: false,
    }),
  });
}
