import { ShowList } from '@/features/shows/components/show-list';
import { useDocumentTitle } from '@/components/use-document-title';

export function ShowsRoute() {
  useDocumentTitle('Shows');
  return (
    <>
      <div className="page-head">
        <h1>Now showing</h1>
        <p className="muted">Pick a showtime to choose your seats. Availability updates live.</p>
      </div>
      <ShowList />
    </>
  );
}
