import { formatSeatRef } from '@/lib/format';
import { formatMoney } from '@/lib/money';
import type { BookedSeat } from '@/types/api';

/** Every seat of a booking with its price; a cancelled one struck through and labelled so. */
export function BookedSeats({ seats, currency }: { seats: readonly BookedSeat[]; currency: string | null }) {
  return (
    <ul className="booked-seats" aria-label="Seats">
      {seats.map((seat) => {
        const cancelled = seat.cancelled_at !== null;
        const price = seat.amount !== null && currency ? formatMoney(seat.amount, currency) : null;
        return (
          <li
            key={seat.id}
            className={`booked-seat${cancelled ? ' booked-seat--cancelled' : ''}`}
            data-testid={`booked-seat-${seat.id}`}
            data-cancelled={cancelled}
          >
            <span className="booked-seat__name">{formatSeatRef(seat)}</span>
            {cancelled ? <span className="badge badge-muted">Cancelled</span> : null}
            {price ? (
              <span className="booked-seat__price">
                <span className="sr-only">,</span>{' '}
                {price}
              </span>
            ) : null}
          </li>
        );
      })}
    </ul>
  );
}
