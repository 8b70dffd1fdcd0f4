import { BookingList } from '@/features/bookings/components/booking-list';
import { useDocumentTitle } from '@/components/use-document-title';
import { RequireAuth } from './auth';

export function BookingsRoute() {
  useDocumentTitle('My bookings');
  return (
    <RequireAuth>
      <div className="page-head">
        <h1>My bookings</h1>
      </div>
      <BookingList />
    </RequireAuth>
  );
}
