import { memo } from 'react';

/** What a seat looks like to this viewer. */
export type SeatView = 'available' | 'selected' | 'held-by-me' | 'held' | 'booked';

export const SEAT_VIEW_TEXT: Record<SeatView, string> = {
  available: 'available',
  selected: 'selected',
  'held-by-me': 'held by you',
  held: 'held',
  booked: 'booked',
};

export interface SeatButtonProps {
  id: number;
  row: string;
  number: number;
  view: SeatView;
  column: number;
  tabbable: boolean;
  onToggle: (seatId: number) => void;
  onFocusSeat: (seatId: number) => void;
}

/**
 * One seat. Memoized and fed only primitives + stable callbacks, so a poll that
 * changes one seat re-renders one button, not the whole 1,000-seat hall.
 */
export const SeatButton = memo(function SeatButton({
  id,
  row,
  number,
  view,
  column,
  tabbable,
  onToggle,
  onFocusSeat,
}: SeatButtonProps) {
  const selectable = view === 'available' || view === 'selected';
  // data-status mirrors the server state ("selected" is a client-side notion).
  const status = view === 'selected' ? 'available' : view;
  return (
    <button
      type="button"
      className={`seat seat--${view}`}
      style={{ gridColumnStart: column }}
      data-testid={`seat-${id}`}
      data-status={status}
      data-selected={view === 'selected' ? 'true' : undefined}
      data-seat-id={id}
      data-number={number}
      aria-label={`Row ${row}, seat ${number}, ${SEAT_VIEW_TEXT[view]}`}
      aria-pressed={view === 'selected'}
      aria-disabled={selectable ? undefined : true}
      tabIndex={tabbable ? 0 : -1}
      onClick={() => {
        if (selectable) onToggle(id);
      }}
      onFocus={() => onFocusSeat(id)}
    >
      <span className="seat__num" aria-hidden="true">
        {number}
      </span>
    </button>
  );
});
