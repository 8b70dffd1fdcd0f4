import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, useLocation, useNavigate } from 'react-router';
import { isApiError, errorMessage } from '@/lib/api-client';
import { formatDateTime, listSeats, seatLabel, type SeatRef } from '@/lib/format';
import { uuid4 } from '@/lib/uuid';
import type { Booking, HallLayout, Seat } from '@/types/api';
import { useUser, meQueryKey } from '@/features/auth/api/auth';
import { bookSeats, bookingsQueryKey } from '@/features/bookings/api/bookings';
import { BookingConfirmation } from '@/features/bookings/components/booking-confirmation';
import { hallLayoutQueryKey, resetHallLayoutCache, useHallLayout } from '../api/get-hall-layout';
import { holdSeats, releaseSeats } from '../api/hold-seats';
import { Countdown } from './countdown';
import { Legend, SeatCountsBar } from './legend';
import { SeatMap } from './seat-map';

type Action = 'hold' | 'book' | 'release';

type Notice =
  | { kind: 'limit'; max: number }
  | { kind: 'conflict'; text: string; retry?: () => void }
  | { kind: 'error'; text: string; retry?: () => void }
  | { kind: 'auth' }
  | { kind: 'expired' }
  | { kind: 'info'; text: string };

const NO_SEATS: ReadonlySet<number> = new Set();

function without(set: ReadonlySet<number>, ids: Iterable<number>): ReadonlySet<number> {
  const next = new Set(set);
  for (const id of ids) next.delete(id);
  return next.size === set.size ? set : next;
}

/** Apply a confirmed server change to the cached layout right away (the next poll confirms it). */
function patchLayout(
  layout: HallLayout | undefined,
  seatIds: number[],
  change: (seat: Seat) => Seat,
): HallLayout | undefined {
  if (!layout) return layout;
  const ids = new Set(seatIds);
  const seats = layout.seats.map((s) => (ids.has(s.id) ? change(s) : s));
  const counts = { available: 0, held: 0, booked: 0 };
  for (const s of seats) counts[s.status] += 1;
  return { ...layout, seats, counts };
}

export function SeatBooking({ showId }: { showId: number }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const location = useLocation();
  const { data: user } = useUser();
  const layoutQuery = useHallLayout(showId);
  const layout = layoutQuery.data;
  const seats = layout?.seats;

  const [selected, setSelected] = useState<ReadonlySet<number>>(NO_SEATS);
  const [notice, setNotice] = useState<Notice | null>(null);
  const [booking, setBooking] = useState<{ booking: Booking; seats: SeatRef[] } | null>(null);
  const [expiredHold, setExpiredHold] = useState<string | null>(null);

  const seatsById = useMemo(() => new Map((seats ?? []).map((s) => [s.id, s])), [seats]);
  const heldByMe = useMemo(() => (seats ?? []).filter((s) => s.status === 'held' && s.held_by_me), [seats]);
  const selectedSeats = useMemo(
    () => (seats ?? []).filter((s) => s.status === 'available' && selected.has(s.id)),
    [seats, selected],
  );
  // Earliest expiry among my live holds, straight from the server.
  const heldUntil = useMemo(() => {
    let min: string | null = null;
    for (const s of heldByMe) {
      if (s.held_until && (min === null || Date.parse(s.held_until) < Date.parse(min))) min = s.held_until;
    }
    return min;
  }, [heldByMe]);
  const holdActive = heldUntil !== null && heldUntil !== expiredHold;
  const max = layout?.max_seats_per_hold ?? 0;

  const labelsFor = useCallback(
    (ids: number[]) => ids.map((id) => {
      const seat = seatsById.get(id);
      return seat ? seatLabel(seat) : `seat #${id}`;
    }),
    [seatsById],
  );

  // Latest values for the stable seat-toggle callback.
  const latest = useRef({ seatsById, selected, heldCount: heldByMe.length, max });
  useLayoutEffect(() => {
    latest.current = { seatsById, selected, heldCount: heldByMe.length, max };
  });

  const toggleSeat = useCallback((seatId: number) => {
    const { seatsById: byId, selected: current, heldCount, max: limit } = latest.current;
    const seat = byId.get(seatId);
    if (!seat) return;
    if (current.has(seatId)) {
      setSelected((prev) => without(prev, [seatId]));
      setNotice((n) => (n?.kind === 'limit' ? null : n));
      return;
    }
    if (seat.status !== 'available') return;
    if (current.size + heldCount >= limit) {
      setNotice({ kind: 'limit', max: limit });
      return;
    }
    setSelected((prev) => {
      if (prev.size + heldCount >= limit) return prev;
      const next = new Set(prev);
      next.add(seatId);
      return next;
    });
    setNotice((n) => (n?.kind === 'limit' || n?.kind === 'expired' || n?.kind === 'info' ? null : n));
  }, []);

  // A poll showed someone else took a seat I had selected: drop it and say so.
  useEffect(() => {
    if (!seats || !selected.size) return;
    const gone = [...selected].filter((id) => seatsById.get(id)?.status !== 'available');
    if (!gone.length) return;
    setSelected((prev) => without(prev, gone));
    const byOthers = gone.filter((id) => !seatsById.get(id)?.held_by_me);
    if (byOthers.length) {
      const labels = labelsFor(byOthers);
      setNotice({
        kind: 'conflict',
        text: `${listSeats(labels)} ${labels.length === 1 ? 'was' : 'were'} just taken by someone else and removed from your selection.`,
      });
    }
  }, [seats, seatsById, selected, labelsFor]);

  const refetchLayout = useCallback(
    (fresh = false) => {
      if (fresh) resetHallLayoutCache(showId);
      return queryClient.invalidateQueries({ queryKey: hallLayoutQueryKey(showId) });
    },
    [queryClient, showId],
  );

  // One seat action (hold / book / release) in flight at a time; a ref, not
  // state, so a double-click in the same frame cannot slip through.
  const busyRef = useRef(false);
  const holdMutation = useMutation({ mutationFn: holdSeats });
  const bookMutation = useMutation({ mutationFn: bookSeats });
  const releaseMutation = useMutation({ mutationFn: releaseSeats });
  const pending = holdMutation.isPending || bookMutation.isPending || releaseMutation.isPending;
  // Idempotency key of the current confirm attempt (kept only for retries).
  const attemptRef = useRef<{ key: string; seats: string } | null>(null);

  const handleError = (error: unknown, action: Action, retry: () => void) => {
    if (!isApiError(error)) {
      setNotice({ kind: 'error', text: errorMessage(error), retry });
      return;
    }
    if (error.isRetryable) {
      const what = action === 'hold' ? 'held' : action === 'book' ? 'booked' : 'released';
      const why = error.status === 0 ? 'We could not reach the server' : 'The server had a problem';
      setNotice({ kind: 'error', text: `${why}, so your seats were not ${what}. Please try again.`, retry });
      return;
    }
    if (error.isAuthError) {
      setNotice({ kind: 'auth' });
      void queryClient.invalidateQueries({ queryKey: meQueryKey });
      return;
    }
    if (error.status === 409) {
      const ids = error.seatIds ?? [];
      const labels = listSeats(labelsFor(ids));
      let text: string;
      let retryable: (() => void) | undefined;
      switch (error.code) {
        case 'seat_unavailable': {
          setSelected((prev) => without(prev, ids));
          const rest = without(latest.current.selected, ids).size;
          text = ids.length
            ? `Sorry, ${labels} ${ids.length === 1 ? 'was' : 'were'} just taken by someone else.${rest ? ' The rest of your selection is kept — hold again to continue.' : ''}`
            : 'Sorry, some of those seats were just taken by someone else.';
          break;
        }
        case 'not_held':
          text = ids.length
            ? `Your hold on ${labels} has expired or was released, so ${ids.length === 1 ? 'it' : 'they'} could not be booked. Nothing was charged.`
            : 'Your hold has expired, so the seats could not be booked. Nothing was charged.';
          break;
        case 'hold_limit':
          text = `You can hold at most ${max} seats for this show.`;
          break;
        case 'lock_timeout':
          text = 'The hall is very busy right now and nothing was changed. Please try again.';
          retryable = retry;
          break;
        case 'show_started':
          text = 'This show has already started, so seats can no longer be held or booked.';
          break;
        default:
          text = error.detail;
      }
      setNotice({ kind: 'conflict', text, retry: retryable });
      void refetchLayout(true);
      return;
    }
    setNotice({ kind: 'error', text: error.detail });
    if (error.status === 404) void refetchLayout(true);
  };

  const signIn = () => void navigate(`/login?next=${encodeURIComponent(location.pathname)}`);

  const hold = (seatIds: number[]) => {
    if (busyRef.current || !seatIds.length) return;
    if (user === null) {
      signIn();
      return;
    }
    busyRef.current = true;
    setNotice(null);
    holdMutation.mutate(
      { showId, seatIds },
      {
        onSuccess: (res) => {
          const ids = res.seat_ids?.length ? res.seat_ids : seatIds;
          queryClient.setQueryData<HallLayout>(hallLayoutQueryKey(showId), (old) =>
            patchLayout(old, ids, (s) => ({ ...s, status: 'held', held_by_me: true, held_until: res.held_until })),
          );
          setSelected((prev) => without(prev, seatIds));
          setExpiredHold(null);
          void refetchLayout();
        },
        onError: (error) => handleError(error, 'hold', () => hold(seatIds)),
        onSettled: () => {
          busyRef.current = false;
        },
      },
    );
  };

  const confirm = () => {
    if (busyRef.current || !heldByMe.length || !holdActive) return;
    const seatIds = heldByMe.map((s) => s.id).sort((a, b) => a - b);
    const seatKey = seatIds.join(',');
    // Fresh key per attempt; the same key when retrying that attempt.
    if (attemptRef.current?.seats !== seatKey) attemptRef.current = { key: uuid4(), seats: seatKey };
    const idempotencyKey = attemptRef.current.key;
    const seatRefs: SeatRef[] = seatIds.map((id) => seatsById.get(id) ?? { id });
    busyRef.current = true;
    setNotice(null);
    bookMutation.mutate(
      { showId, seatIds, idempotencyKey },
      {
        onSuccess: (res) => {
          attemptRef.current = null;
          setBooking({ booking: res.booking, seats: res.booking.seats?.length ? res.booking.seats : seatRefs });
          setSelected(NO_SEATS);
          queryClient.setQueryData<HallLayout>(hallLayoutQueryKey(showId), (old) =>
            patchLayout(old, res.booking.seat_ids ?? seatIds, (s) => ({
              ...s,
              status: 'booked',
              held_by_me: false,
              held_until: null,
            })),
          );
          void refetchLayout(true);
          void queryClient.invalidateQueries({ queryKey: bookingsQueryKey });
        },
        onError: (error) => {
          if (!(isApiError(error) && error.isRetryable)) attemptRef.current = null;
          handleError(error, 'book', confirm);
        },
        onSettled: () => {
          busyRef.current = false;
        },
      },
    );
  };

  const cancel = () => {
    if (busyRef.current) return;
    const seatIds = heldByMe.map((s) => s.id);
    if (!seatIds.length) {
      setSelected(NO_SEATS);
      return;
    }
    busyRef.current = true;
    setNotice(null);
    releaseMutation.mutate(
      { showId, seatIds },
      {
        onSuccess: () => {
          attemptRef.current = null;
          queryClient.setQueryData<HallLayout>(hallLayoutQueryKey(showId), (old) =>
            patchLayout(old, seatIds, (s) =>
              s.held_by_me ? { ...s, status: 'available', held_by_me: false, held_until: null } : s,
            ),
          );
          setSelected(NO_SEATS);
          setNotice({ kind: 'info', text: 'Your hold was cancelled and the seats were released.' });
          void refetchLayout(true);
        },
        onError: (error) => handleError(error, 'release', cancel),
        onSettled: () => {
          busyRef.current = false;
        },
      },
    );
  };

  const onExpire = useCallback(() => {
    setExpiredHold(heldUntil);
    setNotice({ kind: 'expired' });
    attemptRef.current = null;
    void refetchLayout(true);
  }, [heldUntil, refetchLayout]);

  if (layoutQuery.isPending) {
    return (
      <p className="loading" role="status">
        Loading seat map…
      </p>
    );
  }
  if (!layout) {
    const error = layoutQuery.error;
    const notFound = isApiError(error) && error.status === 404;
    return (
      <div className="card empty-state" role="alert">
        <h1>{notFound ? 'Show not found' : 'Could not load the seat map'}</h1>
        <p>{notFound ? 'This showtime does not exist or is no longer on sale.' : errorMessage(error)}</p>
        <p>
          {notFound ? null : (
            <button type="button" className="btn" onClick={() => void layoutQuery.refetch()}>
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

  const heldLabels = heldByMe.map(seatLabel);
  const selectedLabels = selectedSeats.map(seatLabel);

  return (
    <section className="seat-booking" aria-labelledby="show-title">
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

      {layoutQuery.isRefetchError ? (
        <div className="alert alert-warning" role="status" data-testid="poll-error">
          Live updates paused: {errorMessage(layoutQuery.error)}{' '}
          <button type="button" className="btn btn-small" onClick={() => void layoutQuery.refetch()}>
            Retry now
          </button>
        </div>
      ) : null}

      {booking ? (
        <BookingConfirmation
          booking={booking.booking}
          seats={booking.seats}
          onDone={() => {
            setBooking(null);
            setNotice(null);
          }}
        />
      ) : null}

      <NoticeView notice={notice} signIn={signIn} onDismiss={() => setNotice(null)} pending={pending} />

      <div className="card seat-map-card">
        <SeatMap seats={layout.seats} selected={selected} onToggle={toggleSeat} />
        <Legend />
      </div>

      <div className="action-bar">
        {holdActive ? (
          <>
            <div className="action-bar__info">
              <p>
                <strong>
                  {heldLabels.length} seat{heldLabels.length === 1 ? '' : 's'} held:
                </strong>{' '}
                <span data-testid="held-seats">{heldLabels.join(', ')}</span>
              </p>
              <Countdown key={heldUntil} heldUntil={heldUntil} onExpire={onExpire} />
            </div>
            <div className="action-bar__buttons">
              {selectedSeats.length ? (
                <button
                  type="button"
                  className="btn"
                  data-testid="hold-button"
                  disabled={pending}
                  onClick={() => hold(selectedSeats.map((s) => s.id))}
                >
                  Hold {selectedSeats.length} more
                </button>
              ) : null}
              <button type="button" className="btn btn-ghost" data-testid="cancel-button" disabled={pending} onClick={cancel}>
                {releaseMutation.isPending ? 'Releasing…' : 'Cancel'}
              </button>
              <button
                type="button"
                className="btn btn-primary"
                data-testid="confirm-button"
                disabled={pending}
                onClick={confirm}
              >
                {bookMutation.isPending ? 'Booking…' : 'Pay & confirm'}
              </button>
            </div>
          </>
        ) : (
          <>
            <div className="action-bar__info">
              {selectedLabels.length ? (
                <p>
                  <strong>
                    {selectedLabels.length} of {max} selected:
                  </strong>{' '}
                  <span data-testid="selected-seats">{selectedLabels.join(', ')}</span>
                </p>
              ) : (
                <p className="muted">Pick up to {max} seats, then hold them while you pay.</p>
              )}
            </div>
            <div className="action-bar__buttons">
              {selectedLabels.length ? (
                <button type="button" className="btn btn-ghost" onClick={() => setSelected(NO_SEATS)} disabled={pending}>
                  Clear
                </button>
              ) : null}
              <button
                type="button"
                className="btn btn-primary"
                data-testid="hold-button"
                disabled={pending || !selectedSeats.length}
                onClick={() => hold(selectedSeats.map((s) => s.id))}
              >
                {holdMutation.isPending
                  ? 'Holding…'
                  : user === null
                    ? 'Sign in to hold'
                    : selectedSeats.length
                      ? `Hold ${selectedSeats.length} seat${selectedSeats.length === 1 ? '' : 's'}`
                      : 'Hold seats'}
              </button>
            </div>
          </>
        )}
      </div>
    </section>
  );
}

function NoticeView({
  notice,
  signIn,
  onDismiss,
  pending,
}: {
  notice: Notice | null;
  signIn: () => void;
  onDismiss: () => void;
  pending: boolean;
}) {
  if (!notice) return null;
  switch (notice.kind) {
    case 'limit':
      return (
        <p className="alert alert-info" role="status" data-testid="limit-message">
          You can select up to {notice.max} seats for this show.
        </p>
      );
    case 'conflict':
      return (
        <div className="alert alert-warning" role="alert" data-testid="conflict-message">
          <span>{notice.text}</span>
          {notice.retry ? (
            <button type="button" className="btn btn-small" onClick={notice.retry} disabled={pending}>
              Try again
            </button>
          ) : (
            <button type="button" className="btn btn-small btn-ghost" onClick={onDismiss}>
              Dismiss
            </button>
          )}
        </div>
      );
    case 'error':
      return (
        <div className="alert alert-error" role="alert" data-testid="error-message">
          <span>{notice.text}</span>
          {notice.retry ? (
            <button type="button" className="btn btn-small" onClick={notice.retry} disabled={pending}>
              Retry
            </button>
          ) : null}
        </div>
      );
    case 'auth':
      return (
        <div className="alert alert-info" role="alert" data-testid="auth-message">
          <span>Please sign in to hold and book seats.</span>
          <button type="button" className="btn btn-small" onClick={signIn}>
            Sign in
          </button>
        </div>
      );
    case 'expired':
      return (
        <div className="alert alert-warning" role="alert" data-testid="hold-expired">
          <span>Your hold expired and the seats were released. Pick seats again to continue.</span>
        </div>
      );
    case 'info':
      return (
        <p className="alert alert-info" role="status">
          {notice.text}
        </p>
      );
  }
}
