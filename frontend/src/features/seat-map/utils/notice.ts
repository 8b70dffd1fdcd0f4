import { errorMessage, isApiError } from '@/lib/api-client';
import { listSeats } from '@/lib/format';
import { companionNotice, orphanNotice, type BlockLabeller } from './hold-notices';

/** The one message above the seat map. */
export type Notice =
  | { kind: 'limit'; max: number }
  /** `offer`: one click to a way out (e.g. the seats the server suggests instead). */
  | { kind: 'conflict'; text: string; retry?: () => void; offer?: { label: string; run: () => void } }
  | { kind: 'error'; text: string; retry?: () => void }
  | { kind: 'auth' }
  /** The hold ran out; `text` says more than the usual message (e.g. during a payment). */
  | { kind: 'expired'; text?: string }
  | { kind: 'info'; text: string };

export type SeatAction = 'hold' | 'book' | 'release';

const DONE: Record<SeatAction, string> = { hold: 'held', book: 'booked', release: 'released' };

export interface NoticeContext {
  /** Labels ("A1") for seat ids the server named. */
  labelsFor: (ids: number[]) => string[];
  /** Seats per hold for this show. */
  max: number;
  /** The selection when the error came back. */
  selected: ReadonlySet<number>;
  /** Sends the same request again. */
  retry: () => void;
  /** Labels seats as blocks ("F8–F9"), for the seats the server suggests. */
  blockLabel?: BlockLabeller;
  /** Holds the seats the server suggested instead (an `orphan_seat` refusal). */
  take?: (seatIds: number[]) => void;
}

/** What to tell the viewer when a hold, book or release failed. */
export function noticeForError(error: unknown, action: SeatAction, context: NoticeContext): Notice {
  const { labelsFor, max, selected, retry } = context;
  if (!isApiError(error)) return { kind: 'error', text: errorMessage(error), retry };
  if (error.isRetryable) {
    const why = error.status === 0 ? 'We could not reach the server' : 'The server had a problem';
    return { kind: 'error', text: `${why}, so your seats were not ${DONE[action]}. Please try again.`, retry };
  }
  if (error.isAuthError) return { kind: 'auth' };
  if (error.status !== 409) return { kind: 'error', text: error.detail };

  const ids = error.seatIds ?? [];
  const labels = listSeats(labelsFor(ids));
  // The refused seats leave the selection (useSeatActions); the rest stays for another try.
  const kept = [...selected].some((id) => !ids.includes(id)) ? ' The rest of your selection is kept — hold again to continue.' : '';
  switch (error.code) {
    case 'seat_unavailable': {
      const text = ids.length
        ? `Sorry, ${labels} ${ids.length === 1 ? 'was' : 'were'} just taken by someone else.${kept}`
        : 'Sorry, some of those seats were just taken by someone else.';
      return { kind: 'conflict', text };
    }
    case 'not_held':
      return {
        kind: 'conflict',
        text: ids.length
          ? `Your hold on ${labels} has expired or was released, so ${ids.length === 1 ? 'it' : 'they'} could not be booked. Nothing was charged.`
          : 'Your hold has expired, so the seats could not be booked. Nothing was charged.',
      };
    case 'category_not_sold': {
      // The show stopped selling their category since the map was loaded (the refetch shows it).
      const text = ids.length
        ? `${labels} ${ids.length === 1 ? 'is' : 'are'} not on sale for this show, so nothing was held.${kept}`
        : 'Some of those seats are not on sale for this show, so nothing was held.';
      return { kind: 'conflict', text };
    }
    case 'hold_limit':
      return { kind: 'conflict', text: `You can hold at most ${max} seats for this show.` };
    case 'lock_timeout':
      return { kind: 'conflict', text: 'The hall is very busy right now and nothing was changed. Please try again.', retry };
    case 'orphan_seat': {
      const { blockLabel = (seats: number[]) => listSeats(labelsFor(seats)), take } = context;
      const suggestion = take ? (error.suggestion ?? []) : [];
      return orphanNotice({ alone: ids, suggestion }, { labelsFor, blockLabel, take: take ?? (() => {}) });
    }
    case 'companion_seat':
      return companionNotice(labelsFor(ids));
    case 'show_started':
      return { kind: 'conflict', text: 'This show has already started, so seats can no longer be held or booked.' };
    default:
      return { kind: 'conflict', text: error.detail };
  }
}

/** A poll showed that others took seats I had selected. */
export function seatsTakenNotice(labels: string[]): Notice {
  return {
    kind: 'conflict',
    text: `${listSeats(labels)} ${labels.length === 1 ? 'was' : 'were'} just taken by someone else and removed from your selection.`,
  };
}

/** A poll showed that the show no longer sells seats I had selected. */
export function notForSaleNotice(labels: string[]): Notice {
  const [is, was] = labels.length === 1 ? ['is', 'was'] : ['are', 'were'];
  return {
    kind: 'conflict',
    text: `${listSeats(labels)} ${is} no longer on sale for this show and ${was} removed from your selection.`,
  };
}

/** Back from signing in: which of the seats picked before are selected again, and why the others are not. */
export function restoredSelectionNotice(
  { restored, taken, leftOut }: { restored: string[]; taken: string[]; leftOut: string[] },
  max: number,
): Notice | null {
  const was = (labels: string[]) => (labels.length === 1 ? 'was' : 'were');
  const parts: string[] = [];
  if (restored.length) parts.push(`The seats you picked are still selected: ${listSeats(restored)}. Hold them to keep them while you pay.`);
  if (taken.length) parts.push(`${listSeats(taken)} ${was(taken)} taken by someone else in the meantime.`);
  if (leftOut.length) parts.push(`${listSeats(leftOut)} ${was(leftOut)} left out: you can hold up to ${max} seats for this show.`);
  if (!parts.length) return null;
  return restored.length ? { kind: 'info', text: parts.join(' ') } : { kind: 'conflict', text: parts.join(' ') };
}
