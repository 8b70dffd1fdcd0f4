import { useEffect, useRef } from 'react';
import { Link } from 'react-router';
import type { BookingSummary } from '@/types/api';
import { formatSeatRef, type SeatRef } from '@/lib/format';

export function BookingConfirmation({
  booking,
  seats,
  onDone,
}: {
  booking: BookingSummary;
  seats: SeatRef[];
  onDone: () => void;
}) {
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    headingRef.current?.focus();
  }, []);
  return (
    <div className="card confirmation" role="region" aria-labelledby="confirmation-title" data-testid="booking-confirmation">
      <div className="confirmation__icon" aria-hidden="true">
        ✓
      </div>
      <div className="confirmation__body">
        <h2 id="confirmation-title" tabIndex={-1} ref={headingRef}>
          You’re booked!
        </h2>
        <p>
          Booking reference{' '}
          <strong className="reference" data-testid="booking-reference">
            {booking.reference}
          </strong>
        </p>
        <p>
          Seats: <span data-testid="booked-seats">{seats.map(formatSeatRef).join(', ')}</span>
        </p>
        <p className="confirmation__actions">
          <Link to="/bookings" className="btn btn-primary">
            My bookings
          </Link>
          <button type="button" className="btn btn-ghost" onClick={onDone}>
            Book more seats
          </button>
        </p>
      </div>
    </div>
  );
}
