import { Link } from 'react-router';
import { errorMessage } from '@/lib/api-client';
import { RetryAlert } from '@/components/retry-alert';
import { useBookings } from '../api/bookings';
import { BookingCard } from './booking-card';

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
      {sorted.map((booking) => (
        <BookingCard key={booking.reference} booking={booking} />
      ))}
    </ul>
  );
}
