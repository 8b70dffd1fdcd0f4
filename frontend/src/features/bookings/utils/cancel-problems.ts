import { errorMessage, isApiError } from '@/lib/api-client';

export interface CancelProblem {
  text: string;
  /** Sending the same request again may work (network, 5xx, a busy hall, too many requests). */
  retryable: boolean;
}

/** What to tell the moviegoer when a cancellation was refused. Nothing was cancelled in every case. */
export function cancelProblem(error: unknown): CancelProblem {
  if (!isApiError(error)) return { text: errorMessage(error), retryable: true };
  if (error.isRetryable) {
    const why = error.status === 0 ? 'We could not reach the server' : 'The server had a problem';
    return { text: `${why}, so nothing was cancelled. Please try again.`, retryable: true };
  }
  if (error.isAuthError) return { text: 'Please sign in again to cancel your seats. Nothing was cancelled.', retryable: false };
  if (error.status === 429) {
    return { text: 'Too many requests in a short time, so nothing was cancelled. Wait a moment and try again.', retryable: true };
  }
  switch (error.code) {
    case 'cancellation_closed':
      return {
        text: 'It is too late to cancel online: this showtime starts soon. Please ask at the box office. Nothing was cancelled.',
        retryable: false,
      };
    case 'lock_timeout':
      return { text: 'The hall is very busy right now and nothing was cancelled. Please try again.', retryable: true };
    case 'booking_not_found':
      return { text: 'This booking could not be found among yours, so nothing was cancelled. Your bookings are reloaded.', retryable: false };
    case 'seat_not_found':
      return { text: 'Some of those seats are no longer part of this booking, so nothing was cancelled. Your bookings are reloaded.', retryable: false };
    default:
      return { text: `${error.detail} Nothing was cancelled.`, retryable: false };
  }
}
