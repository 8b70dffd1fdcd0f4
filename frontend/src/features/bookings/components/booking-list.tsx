import { Link } from 'react-router';
import { errorMessage } from '@/lib/api-client';
import { RetryAlert } from '@/components/retry-alert';
import { formatDateTime, formatSeatRef } from '@/lib/format';
import { useBookings } from '../api/bookings';

export function BookingList() {
  const { data: bookings, error, isPending, refetch } = useBookings();

  if (isPending) {
    return (
      <p className="loading" role="status">
        Loading your bookings…
      </p>
    );
  }
  if (!bookings) {
    return (
      <RetryAlert tone="error" onRetry={() => void refetch()}>
        Could not load your bookings: {errorMessage(error)}
      </RetryAlert>
    );
  }
  if (!bookings.length) {
    return (
      <div className="card empty-state">
        <h2>No bookings yet</h2>
        <p>
          <Link to="/" className="btn btn-primary">
            Find a show
          </Link>
        </p>
      </div>
    );
  }

  const sorted = [...bookings].sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at));
  return (
    <ul className="booking-list">
      {sorted.map((b) => {
        const seats = b.seats?.length ? b.seats : b.seat_ids.map((id) => ({ id }));
        return (
          <li key={b.reference} className="card booking" data-testid={`booking-${b.reference}`}>
            <div className="booking__main">
              <h2>{b.movie_title ?? `Show #${b.show_id}`}</h2>
              <p className="muted">
                {[b.starts_at ? formatDateTime(b.starts_at) : null, b.venue_name, b.hall_name].filter(Boolean).join(' · ')}
              </p>
              <p>
                {seats.length} seat{seats.length === 1 ? '' : 's'}: {seats.map(formatSeatRef).join('; ')}
              </p>
              <p className="muted small">Booked {formatDateTime(b.created_at)}</p>
            </div>
            <div className="booking__side">
              <span className="muted small">Reference</span>
              <strong className="reference">{b.reference}</strong>
              <Link to={`/shows/${b.show_id}`} className="btn btn-small btn-ghost">
                View hall
              </Link>
            </div>
          </li>
        );
      })}
    </ul>
  );
}
