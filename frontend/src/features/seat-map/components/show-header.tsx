import { Link } from 'react-router';
import { formatShowDateTime } from '@/lib/zoned-time';
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
          <time dateTime={layout.starts_at} title={layout.time_zone} data-testid="show-time">
            {formatShowDateTime(layout.starts_at, layout.time_zone)}
          </time>{' '}
          · {layout.venue_name} · {layout.hall_name}
        </p>
      </div>
      <SeatCountsBar counts={layout.counts} />
    </header>
  );
}
