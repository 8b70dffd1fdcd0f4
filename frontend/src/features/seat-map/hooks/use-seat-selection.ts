import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type Dispatch, type SetStateAction } from 'react';
import type { Seat } from '@/types/api';
import { notForSaleNotice, restoredSelectionNotice, seatsTakenNotice, type Notice } from '../utils/notice';
import { isSelectable, type Pricing } from '../utils/pricing';
import { restorableSelection, takeSavedSelection } from '../utils/saved-selection';
import type { HallSeats } from './use-hall-seats';

export const NO_SEATS: ReadonlySet<number> = new Set();

/** The set less ids; the same set when nothing was removed (no re-render). */
export function without(set: ReadonlySet<number>, ids: Iterable<number>): ReadonlySet<number> {
  const next = new Set(set);
  for (const id of ids) next.delete(id);
  return next.size === set.size ? set : next;
}

export interface SeatSelectionOptions extends Pick<HallSeats, 'seatsById' | 'labelsFor'> {
  /** The show whose selection kept across signing in (saveSelection) is restored. */
  showId: number;
  seats: Seat[] | undefined;
  /** What the show sells: seats of a category it does not sell cannot be picked. */
  pricing: Pricing;
  /** Seats I already hold: they count towards the limit. */
  heldCount: number;
  max: number;
  setNotice: Dispatch<SetStateAction<Notice | null>>;
}

/** The seats picked but not yet held, kept within the per-hold limit and in step with the polls. */
export function useSeatSelection({ showId, seats, pricing, seatsById, labelsFor, heldCount, max, setNotice }: SeatSelectionOptions) {
  const [selected, setSelected] = useState<ReadonlySet<number>>(NO_SEATS);
  const selectedSeats = useMemo(
    () => (seats ?? []).filter((s) => selected.has(s.id) && isSelectable(s, pricing)),
    [seats, selected, pricing],
  );

  // Latest values for the stable callbacks (toggle must not change, or every seat re-renders).
  const latest = useRef({ seatsById, pricing, selected, heldCount, max });
  useLayoutEffect(() => {
    latest.current = { seatsById, pricing, selected, heldCount, max };
  });

  const toggle = useCallback(
    (seatId: number) => {
      const { seatsById: byId, pricing: sold, selected: current, heldCount: held, max: limit } = latest.current;
      const seat = byId.get(seatId);
      if (!seat) return;
      if (current.has(seatId)) {
        setSelected((prev) => without(prev, [seatId]));
        setNotice((n) => (n?.kind === 'limit' ? null : n));
        return;
      }
      if (!isSelectable(seat, sold)) return;
      if (current.size + held >= limit) {
        setNotice({ kind: 'limit', max: limit });
        return;
      }
      setSelected((prev) => {
        if (prev.size + held >= limit) return prev;
        const next = new Set(prev);
        next.add(seatId);
        return next;
      });
      setNotice((n) => (n?.kind === 'limit' || n?.kind === 'expired' || n?.kind === 'info' ? null : n));
    },
    [setNotice],
  );

  // Seats picked before a trip to the sign-in page: selected again once the layout is here,
  // those still available and within the limit. Taken (and so forgotten) once per mount.
  const restoredRef = useRef(false);
  useEffect(() => {
    if (restoredRef.current || !seats) return;
    restoredRef.current = true;
    const saved = takeSavedSelection(showId);
    if (!saved.length) return;
    const { restored, taken, leftOut } = restorableSelection(saved, seats, max - heldCount, (s) => isSelectable(s, pricing));
    // sessionStorage is the outside world here, read once.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    if (restored.length) setSelected(new Set(restored));
    const notice = restoredSelectionNotice(
      { restored: labelsFor(restored), taken: labelsFor(taken), leftOut: labelsFor(leftOut) },
      max,
    );
    if (notice) setNotice(notice);
  }, [showId, seats, pricing, max, heldCount, labelsFor, setNotice]);

  // A poll showed someone else took a seat I had selected, or that the show stopped selling its
  // category: drop it and say so.
  useEffect(() => {
    if (!seats || !selected.size) return;
    const gone = [...selected].filter((id) => {
      const seat = seatsById.get(id);
      return !seat || !isSelectable(seat, pricing);
    });
    if (!gone.length) return;
    // The poll is the outside world here; the selection follows it once per change.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    setSelected((prev) => without(prev, gone));
    const unsold = gone.filter((id) => seatsById.get(id)?.status === 'available');
    const byOthers = gone.filter((id) => !unsold.includes(id) && !seatsById.get(id)?.held_by_me);
    if (byOthers.length) setNotice(seatsTakenNotice(labelsFor(byOthers)));
    else if (unsold.length) setNotice(notForSaleNotice(labelsFor(unsold)));
  }, [seats, seatsById, pricing, selected, labelsFor, setNotice]);

  const drop = useCallback((ids: number[]) => setSelected((prev) => without(prev, ids)), []);
  const clear = useCallback(() => setSelected(NO_SEATS), []);
  /** The selection as last rendered, for callbacks that outlive a render (a request's reply). */
  const current = useCallback(() => latest.current.selected, []);

  return { selected, selectedSeats, toggle, drop, clear, current };
}

export type SeatSelection = ReturnType<typeof useSeatSelection>;
