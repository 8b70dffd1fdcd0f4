import { useMemo } from 'react';
import { formatDuration } from '@/lib/format';
import { formatShowDay, zonedDayKey } from '@/lib/zoned-time';
import { errorMessage } from '@/lib/api-client';
import { RetryAlert } from '@/components/retry-alert';
import type { Show } from '@/types/api';
import { useShows } from '../api/get-shows';
import { ShowtimeLink } from './showtime-link';

interface MovieGroup {
  movieId: number;
  title: string;
  durationMinutes: number;
  days: { key: string; label: string; shows: Show[] }[];
}

export function groupShows(shows: Show[], now: Date = new Date()): MovieGroup[] {
  const sorted = [...shows].sort((a, b) => Date.parse(a.starts_at) - Date.parse(b.starts_at));
  const movies = new Map<number, MovieGroup>();
  for (const show of sorted) {
    let movie = movies.get(show.movie.id);
    if (!movie) {
      movie = { movieId: show.movie.id, title: show.movie.title, durationMinutes: show.movie.duration_minutes, days: [] };
      movies.set(show.movie.id, movie);
    }
    // The venue's day: a show at 00:30 in Berlin is on the next day there, wherever the viewer is.
    const key = zonedDayKey(show.starts_at, show.venue.time_zone);
    let day = movie.days.find((d) => d.key === key);
    if (!day) {
      day = { key, label: formatShowDay(show.starts_at, show.venue.time_zone, now), shows: [] };
      movie.days.push(day);
    }
    day.shows.push(show);
  }
  // Movies in order of their next showtime.
  return [...movies.values()];
}

export function ShowList() {
  const { data: shows, error, isPending, refetch } = useShows();
  const groups = useMemo(() => groupShows(shows ?? []), [shows]);

  if (isPending) {
    return (
      <p className="loading" role="status">
        Loading showtimes…
      </p>
    );
  }
  if (!shows) {
    return (
      <RetryAlert tone="error" onRetry={() => void refetch()}>
        Could not load showtimes: {errorMessage(error)}
      </RetryAlert>
    );
  }
  if (!groups.length) {
    return (
      <div className="card empty-state">
        <h2>No upcoming shows</h2>
        <p className="muted">Check back soon.</p>
      </div>
    );
  }

  return (
    <div className="movie-list">
      {groups.map((movie) => (
        <section key={movie.movieId} className="card movie" aria-labelledby={`movie-${movie.movieId}`}>
          <header className="movie__header">
            <h2 id={`movie-${movie.movieId}`}>{movie.title}</h2>
            <span className="badge">{formatDuration(movie.durationMinutes)}</span>
          </header>
          {movie.days.map((day) => (
            <div key={day.key} className="movie__day">
              <h3>{day.label}</h3>
              <ul className="showtimes">
                {day.shows.map((show) => (
                  <li key={show.id}>
                    <ShowtimeLink show={show} movieTitle={movie.title} dayLabel={day.label} />
                  </li>
                ))}
              </ul>
            </div>
          ))}
        </section>
      ))}
    </div>
  );
}
