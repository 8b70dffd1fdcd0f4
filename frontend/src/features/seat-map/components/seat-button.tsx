import { memo } from 'react';
import type { SeatKind } from '@/types/api';
import { SEAT_KIND_TEXT, SeatKindIcon } from './seat-kind-icon';

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
  /** A wheelchair space or companion seat says so (icon, name and tooltip). */
  kind: SeatKind;
  view: SeatView;
  /** The category's name, colour ("#rrggbb") and pattern (0..PATTERN_COUNT-1). */
  category: string;
  colour: string;
  pattern: number;
  /** The listed price, formatted; null when not for sale. */
  price: string | null;
  /** Its column in the map's grid (the hall plan's column, shifted past the row label). */
  column: number;
  /** Its column in the hall plan: arrow keys go up and down to the seat standing closest. */
  planColumn: number;
  tabbable: boolean;
  onToggle: (seatId: number) => void;
  onFocusSeat: (seatId: number) => void;
}

/**
 * "Row A, seat 3, Premium, €12.50, available": the kind when not a standard seat ("Wheelchair space"),
 * the category and price, then the state.
 */
export function seatAriaLabel({
  row,
  number,
  kind = 'standard',
  category,
  price,
  view,
}: Pick<SeatButtonProps, 'row' | 'number' | 'category' | 'price' | 'view'> & { kind?: SeatKind }): string {
  return [`Row ${row}, seat ${number}`, SEAT_KIND_TEXT[kind], category, price, SEAT_VIEW_TEXT[view]].filter(Boolean).join(', ');
}

/**
 * One seat. Memoized and fed only primitives + stable callbacks, so a poll that
 * changes one seat re-renders one button, not the whole 1,000-seat hall.
 */
export const SeatButton = memo(function SeatButton({
  id,
  row,
  number,
  kind,
  view,
  category,
  colour,
  pattern,
  price,
  column,
  planColumn,
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
      className={`seat seat--${view}${kind === 'standard' ? '' : ` seat--${kind}`}`}
      style={{ gridColumnStart: column, ['--cat' as string]: colour }}
      data-testid={`seat-${id}`}
      data-status={status}
      data-selected={view === 'selected' ? 'true' : undefined}
      data-seat-id={id}
      data-number={number}
      data-column={planColumn}
      data-kind={kind}
      aria-label={seatAriaLabel({ row, number, kind, category, price, view })}
      title={SEAT_KIND_TEXT[kind] ?? undefined}
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
        {kind === 'standard' ? number : <SeatKindIcon kind={kind} />}
      </span>
    </button>
  );
});
