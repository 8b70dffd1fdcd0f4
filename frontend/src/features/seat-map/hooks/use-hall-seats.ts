import { useCallback, useMemo } from 'react';
import { seatLabel } from '@/lib/format';
import type { Seat } from '@/types/api';

/** Lookups over the polled seats: by id, my holds and when the first of them ends, whether I booked any. */
export function useHallSeats(seats: Seat[] | undefined) {
  const seatsById = useMemo(() => new Map((seats ?? []).map((s) => [s.id, s])), [seats]);
  const heldByMe = useMemo(() => (seats ?? []).filter((s) => s.status === 'held' && s.held_by_me), [seats]);
  const bookedByMe = useMemo(() => (seats ?? []).some((s) => s.status === 'booked' && s.booked_by_me), [seats]);
  // Earliest expiry among my live holds, straight from the server.
  const heldUntil = useMemo(() => {
    let min: string | null = null;
    for (const s of heldByMe) {
      if (s.held_until && (min === null || Date.parse(s.held_until) < Date.parse(min))) min = s.held_until;
    }
    return min;
  }, [heldByMe]);

  const labelsFor = useCallback(
    (ids: number[]) =>
      ids.map((id) => {
        const seat = seatsById.get(id);
        return seat ? seatLabel(seat) : `seat #${id}`;
      }),
    [seatsById],
  );

  return { seatsById, heldByMe, heldUntil, bookedByMe, labelsFor };
}

export type HallSeats = ReturnType<typeof useHallSeats>;
