import { api } from '@/lib/api-client';
import type { ReleaseResponse } from '@/types/api';
import { useSeatMutation, type SeatsInput } from './seat-mutation';

export function releaseSeats({ showId, seatIds }: SeatsInput): Promise<ReleaseResponse> {
  return api.post<ReleaseResponse>('/api/release-seat/', { show_id: showId, seat_ids: seatIds });
}

export function useReleaseSeats() {
  return useSeatMutation({
    mutationFn: releaseSeats,
    patch: (_res, { seatIds }) => ({
      seatIds,
      // Only my own holds are freed; a seat someone else holds meanwhile stays theirs.
      change: (s) => (s.held_by_me ? { ...s, status: 'available', held_by_me: false, held_until: null } : s),
      fresh: true,
    }),
  });
}
