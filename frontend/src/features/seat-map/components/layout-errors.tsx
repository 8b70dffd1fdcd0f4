import { Link } from 'react-router';
import { errorMessage, isApiError } from '@/lib/api-client';

/** The seat map could not be loaded at all. */
export function LayoutLoadError({ error, onRetry }: { error: unknown; onRetry: () => void }) {
  const notFound = isApiError(error) && error.status === 404;
  return (
    <div className="card empty-state" role="alert">
      <h1>{notFound ? 'Show not found' : 'Could not load the seat map'}</h1>
      <p>{notFound ? 'This showtime does not exist or is no longer on sale.' : errorMessage(error)}</p>
      <p>
        {notFound ? null : (
          <button type="button" className="btn" onClick={onRetry}>
            Retry
          </button>
        )}{' '}
        <Link to="/" className="btn btn-ghost">
          Back to shows
        </Link>
      </p>
    </div>
  );
}

/** A poll failed after the map was shown: the map stays, marked as not live. */
export function PollError({ error, onRetry }: { error: unknown; onRetry: () => void }) {
  return (
    <div className="alert alert-warning" role="status" data-testid="poll-error">
      Live updates paused: {errorMessage(error)}{' '}
      <button type="button" className="btn btn-small" onClick={onRetry}>
        Retry now
      </button>
    </div>
  );
}
