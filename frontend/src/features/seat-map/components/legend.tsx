import type { SeatCounts } from '@/types/api';
import { SEAT_VIEW_TEXT, type SeatView } from './seat-button';
import { SEAT_KIND_TEXT, SeatKindIcon } from './seat-kind-icon';

const ITEMS: { view: SeatView; text: string }[] = [
  { view: 'available', text: 'Available' },
  { view: 'selected', text: 'Selected' },
  { view: 'held-by-me', text: 'Held by you' },
  { view: 'held', text: 'Held by others' },
];
const YOURS = { view: 'booked-by-me', text: 'Yours' } as const;
const BOOKED = { view: 'booked', text: 'Booked' } as const;
const NOT_FOR_SALE = { view: 'not-for-sale', text: 'Not for sale' } as const;

export interface LegendProps {
  yours?: boolean;
  notForSale?: boolean;
  /** The hall has wheelchair spaces / companion seats. */
  wheelchair?: boolean;
  companion?: boolean;
}

/**
 * What each seat state looks like; "Yours" (seats you booked), "Not for sale", wheelchair spaces and
 * companion seats only when this show has such seats.
 */
export function Legend({ yours = false, notForSale = false, wheelchair = false, companion = false }: LegendProps) {
  const items = [...ITEMS, ...(yours ? [YOURS] : []), BOOKED, ...(notForSale ? [NOT_FOR_SALE] : [])];
  const kinds = [...(wheelchair ? (['wheelchair'] as const) : []), ...(companion ? (['companion'] as const) : [])];
  return (
    <ul className="legend" aria-label="Seat legend">
      {items.map(({ view, text }) => (
        <li key={view}>
          <span className={`seat seat--${view} seat--swatch`} aria-hidden="true" />
          <span title={SEAT_VIEW_TEXT[view]}>{text}</span>
        </li>
      ))}
      {kinds.map((kind) => (
        <li key={kind} data-testid={`legend-${kind}`}>
          <span className={`seat seat--available seat--swatch seat--${kind}`} aria-hidden="true">
            <span className="seat__num">
              <SeatKindIcon kind={kind} />
            </span>
          </span>
          <span>{SEAT_KIND_TEXT[kind]}</span>
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
