import { useParams } from 'react-router';
import { SeatBooking } from '@/features/seat-map/components/seat-booking';
import { useDocumentTitle } from '@/components/use-document-title';
import { NotFoundRoute } from './not-found';

export function ShowSeatsRoute() {
  const { showId } = useParams();
  const id = Number(showId);
  useDocumentTitle('Choose seats');
  if (!Number.isInteger(id) || id <= 0) return <NotFoundRoute />;
  // key: a different show starts with a clean selection.
  return <SeatBooking key={id} showId={id} />;
}
