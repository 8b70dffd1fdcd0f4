import type { SeatCounts } from '@/types/api';
import { SEAT_VIEW_TEXT, type SeatView } from './seat-button';

const ITEMS: { view: SeatView; text: string }[] = [
  { view: 'available', text: 'Available' },
  { view: 'selected', text: 'Selected' },
  { view: 'held-by-me', text: 'Held by you' },
  { view: 'held', text: 'Held by others' },
];
const YOURS = { view: 'booked-by-me', text: 'Yours' } as const;
const BOOKED = { view: 'booked', text: 'Booked' } as const;
const NOT_FOR_SALE = { view: 'not-for-sale', text: 'Not for sale' } as const;

/**
 * What each seat state looks like; "Yours" (seats you booked) and "Not for sale" only when this show
 * has such seats.
 */
export function Legend({ yours = false, notForSale = false }: { yours?: boolean; notForSale?: boolean }) {
  const items = [...ITEMS, ...(yours ? [YOURS] : []), BOOKED, ...(notForSale ? [NOT_FOR_SALE] : [])];
  return (
    <ul className="legend" aria-label="Seat legend">
      {items.map(({ view, text }) => (
        <li key={view}>
          <span className={`seat seat--${view} seat--swatch`} aria-hidden="true" />
          <span title={SEAT_VIEW_TEXT[view]}>{text}</span>
        </li>
      ))}
    </ul>
  );
}

export function SeatCountsBar({ counts }: { counts: SeatCounts }) {
  return (
    <dl className="counts" data-testid="hall-counts">
      <div className="counts__item counts__item--available">
        <dt>Available</dt>
        <dd data-testid="count-available">{counts.available}</dd>
      </div>
      <div className="counts__item counts__item--held">
        <dt>Held</dt>
        <dd data-testid="count-held">{counts.held}</dd>
      </div>
      <div className="counts__item counts__item--booked">
        <dt>Booked</dt>
        <dd data-testid="count-booked">{counts.booked}</dd>
      </div>
    </dl>
  );
}
