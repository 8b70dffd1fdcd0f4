// What every seat mutation (hold, release, order, pay) does to the query cache, in one place.
import { useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { isApiError } from '@/lib/api-client';
import { hallLayoutQueryKey, meQueryKey } from '@/lib/query-keys';
import type { HallLayout, Seat } from '@/types/api';
import { refetchHallLayout } from './get-hall-layout';

export interface SeatsInput {
  showId: number;
  seatIds: number[];
}

/** Apply a confirmed server change to the cached layout right away (the next poll confirms it). */
export function patchLayout(
  layout: HallLayout | undefined,
  seatIds: number[],
  change: (seat: Seat) => Seat,
): HallLayout | undefined {
  if (!layout) return layout;
  const ids = new Set(seatIds);
  const seats = layout.seats.map((s) => (ids.has(s.id) ? change(s) : s));
  const counts = { available: 0, held: 0, booked: 0 };
  for (const s of seats) counts[s.status] += 1;
  return { ...layout, seats, counts };
}

export interface SeatPatch {
  /** The seats the server confirmed. */
  seatIds: number[];
  change: (seat: Seat) => Seat;
  /** Drop the ETag before refetching (the change ends or replaces my hold). */
  fresh: boolean;
}

export function useSeatMutation<TInput extends { showId: number }, TData>({
  mutationFn,
  patch,
  onPatched,
}: {
  mutationFn: (input: TInput) => Promise<TData>;
  /** How the confirmed change shows in the cached layout. */
  patch: (data: TData, input: TInput) => SeatPatch;
  /** Further invalidations after the layout is patched. */
  onPatched?: () => void;
}) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn,
    onSuccess: (data, input) => {
      const { seatIds, change, fresh } = patch(data, input);
      queryClient.setQueryData<HallLayout>(hallLayoutQueryKey(input.showId), (old) => patchLayout(old, seatIds, change));
      void refetchHallLayout(queryClient, input.showId, fresh);
      onPatched?.();
    },
    onError: (error, input) => refreshAfterSeatError(queryClient, input.showId, error),
  });
}

/** After a refused seat (or order) request: learn who I am again, or reload a map that was stale. */
export function refreshAfterSeatError(queryClient: QueryClient, showId: number, error: unknown) {
  if (!isApiError(error) || error.isRetryable) return;
  // Signed out meanwhile: the header and the hold button must say so.
  if (error.isAuthError) void queryClient.invalidateQueries({ queryKey: meQueryKey });
  // The map we acted on was stale (409) or the show is gone (404): reload it in full.
  else if (error.status === 409 || error.status === 404) void refetchHallLayout(queryClient, showId, true);
}
