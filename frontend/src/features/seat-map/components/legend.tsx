import type { SeatCounts } from '@/types/api';
import { SEAT_VIEW_TEXT, type SeatView } from './seat-button';

const ITEMS: { view: SeatView; text: string }[] = [
  { view: 'available', text: 'Available' },
  { view: 'selected', text: 'Selected' },
  { view: 'held-by-me', text: 'Held by you' },
  { view: 'held', text: 'Held by others' },
  { view: 'booked', text: 'Booked' },
];

export function Legend() {
  return (
    <ul className="legend" aria-label="Seat legend">
      {ITEMS.map(({ view, text }) => (
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
