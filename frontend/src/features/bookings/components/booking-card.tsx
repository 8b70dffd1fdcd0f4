import { Link } from 'react-router';
import { formatDateTime } from '@/lib/format';
import { formatShowDateTime } from '@/lib/zoned-time';
import type { Booking } from '@/types/api';
import { liveSeats } from '../utils/money';
import { BookedSeats } from './booked-seats';
import { CancelSection } from './cancel-section';
import { PaymentSummary } from './payment-summary';

/** One booking: the show, its seats with their prices, what was paid, and its cancellation. */
export function BookingCard({ booking }: { booking: Booking }) {
  const allCancelled = booking.seats.length > 0 && liveSeats(booking).length === 0;
  return (
    <li className="card booking" data-testid={`booking-${booking.reference}`}>
      <div className="booking__main">
        <h2>
          {booking.movie_title}
          {allCancelled ? <span className="badge badge-muted">Cancelled</span> : null}
        </h2>
        <p className="muted">
          {[formatShowDateTime(booking.starts_at, booking.time_zone), booking.venue_name, booking.hall_name].filter(Boolean).join(' · ')}
        </p>
        <BookedSeats seats={booking.seats} currency={booking.payment?.currency ?? null} />
        <PaymentSummary booking={booking} />
        <p className="muted small">Booked {formatDateTime(booking.created_at)}</p>
      </div>
      <div className="booking__side">
        <span className="muted small">Reference</span>
        <strong className="reference">{booking.reference}</strong>
        <Link to={`/shows/${booking.show_id}`} className="btn btn-small btn-ghost">
          View hall
        </Link>
      </div>
      <CancelSection booking={booking} />
    </li>
  );
}
