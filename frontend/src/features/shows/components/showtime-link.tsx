import { Link } from 'react-router';
import { formatShowTime, zoneLabel } from '@/lib/zoned-time';
import type { Show } from '@/types/api';
import { priceRangeText } from '../utils/price-range';

function Availability({ counts }: { counts: Show['counts'] }) {
  const total = counts.available + counts.held + counts.booked || 1;
  const soldOut = counts.available === 0;
  return (
    <div className="availability">
      <div className="availability__bar" aria-hidden="true">
        <span className="availability__booked" style={{ width: `${(counts.booked / total) * 100}%` }} />
        <span className="availability__held" style={{ width: `${(counts.held / total) * 100}%` }} />
      </div>
      <p className={`availability__text${soldOut ? ' availability__text--soldout' : ''}`}>
        {soldOut ? 'Sold out' : `${counts.available} available`}
        <span className="muted">
          {' '}
          · {counts.held} held · {counts.booked} booked
        </span>
      </p>
    </div>
  );
}

/** One showtime of a movie's day: time, price, place and availability, linking to its seat map. */
export function ShowtimeLink({ show, movieTitle, dayLabel }: { show: Show; movieTitle: string; dayLabel: string }) {
  // The venue's local time, labelled with its zone (not the viewer's device zone).
  const time = formatShowTime(show.starts_at, show.venue.time_zone);
  const zone = zoneLabel(show.starts_at, show.venue.time_zone);
  const price = priceRangeText(show.price_range);
  const label = [
    movieTitle,
    `${dayLabel} ${time} ${zone}`,
    show.venue.name,
    show.hall.name,
    `${show.counts.available} seats available`,
    price,
  ].filter(Boolean);
  return (
    <Link to={`/shows/${show.id}`} className="showtime" data-testid={`show-${show.id}`} aria-label={label.join(', ')}>
      <span className="showtime__top">
        <span className="showtime__time">
          {time}{' '}
          <abbr className="showtime__zone" title={show.venue.time_zone} data-testid={`show-zone-${show.id}`}>
            {zone}
          </abbr>
        </span>
        {price ? (
          <span className="showtime__price" data-testid={`show-price-${show.id}`}>
            {price}
          </span>
        ) : null}
      </span>
      <span className="showtime__place">
        {show.venue.name}
        {show.venue.city ? `, ${show.venue.city}` : ''} · {show.hall.name}
      </span>
      <Availability counts={show.counts} />
    </Link>
  );
}
