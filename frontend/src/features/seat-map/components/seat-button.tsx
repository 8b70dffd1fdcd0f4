import { memo } from 'react';

/** What a seat looks like to this viewer. */
export type SeatView = 'available' | 'selected' | 'held-by-me' | 'held' | 'booked-by-me' | 'booked' | 'not-for-sale';

export const SEAT_VIEW_TEXT: Record<SeatView, string> = {
  available: 'available',
  selected: 'selected',
  'held-by-me': 'held by you',
  held: 'held',
  'booked-by-me': 'your seat',
  booked: 'booked',
  'not-for-sale': 'not for sale',
};

export interface SeatButtonProps {
  id: number;
  row: string;
  number: number;
  view: SeatView;
  /** The category's name, colour ("#rrggbb") and pattern (0..PATTERN_COUNT-1). */
  category: string;
  colour: string;
  pattern: number;
  /** The listed price, formatted; null when not for sale. */
  price: string | null;
  column: number;
  tabbable: boolean;
  onToggle: (seatId: number) => void;
  onFocusSeat: (seatId: number) => void;
}

/** "Row A, seat 3, Premium, €12.50, available": the category and price, then the state. */
export function seatAriaLabel({
  row,
  number,
  category,
  price,
  view,
}: Pick<SeatButtonProps, 'row' | 'number' | 'category' | 'price' | 'view'>): string {
  return [`Row ${row}, seat ${number}`, category, price, SEAT_VIEW_TEXT[view]].filter(Boolean).join(', ');
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
  category,
  colour,
  pattern,
  price,
  column,
  tabbable,
  onToggle,
  onFocusSeat,
}: SeatButtonProps) {
  const selectable = view === 'available' || view === 'selected';
  // data-status is the state this viewer sees ("selected" is only a client-side flag on "available").
  const status = view === 'selected' ? 'available' : view;
  return (
    <button
      type="button"
      className={`seat seat--${view}`}
      style={{ gridColumnStart: column, ['--cat' as string]: colour }}
      data-testid={`seat-${id}`}
      data-status={status}
      data-selected={view === 'selected' ? 'true' : undefined}
      data-seat-id={id}
      data-number={number}
      aria-label={seatAriaLabel({ row, number, category, price, view })}
      aria-pressed={view === 'selected'}
      aria-disabled={selectable ? undefined : true}
      tabIndex={tabbable ? 0 : -1}
      onClick={() => {
        if (selectable) onToggle(id);
      }}
      onFocus={() => onFocusSeat(id)}
    >
      {/* The category band (colour + pattern) under the seat number; the state styles the rest. */}
      <span className={`seat__cat cat-pattern-${pattern}`} aria-hidden="true" />
      <span className="seat__num" aria-hidden="true">
        {number}
      </span>
    </button>
  );
});
