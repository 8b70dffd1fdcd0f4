import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, isApiError } from '@/lib/api-client';
import { bookingsQueryKey, hallLayoutQueryKey, meQueryKey } from '@/lib/query-keys';
import type { CancelRequest, CancelResult } from '@/types/api';

export interface CancelBookingInput {
  reference: string;
  /** The booking's show: its seat map changes too. */
  showId: number;
  /** Omitted: the whole booking. */
  seatIds?: number[];
}

/** POST /api/bookings/{reference}/cancel/: the seats go back on sale, what was paid for them is refunded. */
export function cancelBooking({ reference, seatIds }: CancelBookingInput): Promise<CancelResult> {
  const body: CancelRequest = seatIds ? { seat_ids: seatIds } : {};
  return api.post<CancelResult>(`/api/bookings/${encodeURIComponent(reference)}/cancel/`, body);
}

export function useCancelBooking() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: cancelBooking,
    onSuccess: (_result, { showId }) => {
      void queryClient.invalidateQueries({ queryKey: bookingsQueryKey });
      // The seats are free again: a cached seat map of the show refetches (now if it is on screen, else when
      // it is opened). The cancellation moved the layout's ETag, so that conditional GET brings the new body,
      // not a 304 for the copy the seat map's ETag cache keeps.
      void queryClient.invalidateQueries({ queryKey: hallLayoutQueryKey(showId) });
    },
    onError: (error) => {
      if (!isApiError(error) || error.isRetryable || error.status === 429) return;
      if (error.isAuthError) void queryClient.invalidateQueries({ queryKey: meQueryKey });
      // Too late, seats gone, booking gone: the list we acted on is stale.
      else void queryClient.invalidateQueries({ queryKey: bookingsQueryKey });
    },
  });
}
