import { Link } from 'react-router';
import { formatDateTime } from '@/lib/format';
import type { HallLayout } from '@/types/api';
import { SeatCountsBar } from './legend';

export function ShowHeader({ layout }: { layout: HallLayout }) {
  return (
    <header className="show-header">
      <div>
        <p className="eyebrow">
          <Link to="/">← All shows</Link>
        </p>
        <h1 id="show-title">{layout.movie_title}</h1>
        <p className="muted">
          {formatDateTime(layout.starts_at)} · {layout.venue_name} · {layout.hall_name}
        </p>
      </div>
      <SeatCountsBar counts={layout.counts} />
    </header>
  );
}
