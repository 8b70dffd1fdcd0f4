import { useCallback, useRef, useState, type Dispatch, type SetStateAction } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useLocation, useNavigate } from 'react-router';
import { isApiError } from '@/lib/api-client';
import { useUser } from '@/lib/auth';
import type { SeatRef } from '@/lib/format';
import type { BookingSummary } from '@/types/api';
import { refetchHallLayout } from '../api/get-hall-layout';
import { useBookSeats } from '../api/use-book-seats';
import { useHoldSeats } from '../api/use-hold-seats';
import { useReleaseSeats } from '../api/use-release-seats';
import { noticeForError, type Notice, type SeatAction } from '../utils/notice';
import { saveSelection } from '../utils/saved-selection';
import { useAttemptKey } from './use-attempt-key';
import type { HallSeats } from './use-hall-seats';
import type { SeatSelection } from './use-seat-selection';

export interface SeatActionsOptions extends HallSeats {
  showId: number;
  max: number;
  selection: SeatSelection;
  setNotice: Dispatch<SetStateAction<Notice | null>>;
}

/** Hold, book (Pay & confirm) and release, one at a time, with their notices. */
export function useSeatActions({ showId, max, seatsById, heldByMe, heldUntil, labelsFor, selection, setNotice }: SeatActionsOptions) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const location = useLocation();
  const { data: user } = useUser();
  const holdMutation = useHoldSeats();
  const bookMutation = useBookSeats();
  const releaseMutation = useReleaseSeats();
  const attempt = useAttemptKey();
  const [confirmation, setConfirmation] = useState<{ booking: BookingSummary; seats: SeatRef[] } | null>(null);
  // The held_until whose countdown ran out: that hold is over, whatever the last poll said.
  const [expiredHold, setExpiredHold] = useState<string | null>(null);
  const holdActive = heldUntil !== null && heldUntil !== expiredHold;

  // One seat action in flight at a time; a ref, not state, so a double-click
  // in the same frame cannot slip through.
  const busyRef = useRef(false);
  const begin = () => {
    busyRef.current = true;
    setNotice(null);
  };
  const done = () => {
    busyRef.current = false;
  };

  // The seats picked so far come back after signing in (useSeatSelection restores them).
  const signIn = () => {
    saveSelection(showId, selection.current());
    void navigate(`/login?next=${encodeURIComponent(location.pathname)}`);
  };

  const showError = (error: unknown, action: SeatAction, retry: () => void) => {
    setNotice(noticeForError(error, action, { labelsFor, max, selected: selection.current(), retry }));
    // Seats others took, or the show does not sell, leave the selection; the rest is kept for another try.
    const refused = isApiError(error) && error.status === 409 && (error.code === 'seat_unavailable' || error.code === 'category_not_sold');
    if (refused) selection.drop(error.seatIds ?? []);
  };

  const hold = (seatIds: number[]) => {
    if (busyRef.current || !seatIds.length) return;
    if (user === null) {
      signIn();
      return;
    }
    begin();
    holdMutation.mutate(
      { showId, seatIds },
      {
        onSuccess: () => {
          selection.drop(seatIds);
          setExpiredHold(null);
        },
        onError: (error) => showError(error, 'hold', () => hold(seatIds)),
        onSettled: done,
      },
    );
  };

  const confirm = () => {
    if (busyRef.current || !heldByMe.length || !holdActive) return;
    const seatIds = heldByMe.map((s) => s.id).sort((a, b) => a - b);
    const idempotencyKey = attempt.keyFor(seatIds);
    const seatRefs: SeatRef[] = seatIds.map((id) => seatsById.get(id) ?? { id });
    begin();
    bookMutation.mutate(
      { showId, seatIds, idempotencyKey },
      {
        onSuccess: (res) => {
          attempt.end();
          // The answer names the booked seats by id only: their labels come from the layout.
          setConfirmation({ booking: res.booking, seats: seatRefs });
          selection.clear();
        },
        onError: (error) => {
          // Only a retryable failure keeps the key: its retry may find the booking already made.
          if (!(isApiError(error) && error.isRetryable)) attempt.end();
          showError(error, 'book', confirm);
        },
        onSettled: done,
      },
    );
  };

  const cancel = () => {
    if (busyRef.current) return;
    const seatIds = heldByMe.map((s) => s.id);
    if (!seatIds.length) {
      selection.clear();
      return;
    }
    begin();
    releaseMutation.mutate(
      { showId, seatIds },
      {
        onSuccess: () => {
          attempt.end();
          selection.clear();
          setNotice({ kind: 'info', text: 'Your hold was cancelled and the seats were released.' });
        },
        onError: (error) => showError(error, 'release', cancel),
        onSettled: done,
      },
    );
  };

  const onExpire = useCallback(() => {
    setExpiredHold(heldUntil);
    setNotice({ kind: 'expired' });
    attempt.end();
    void refetchHallLayout(queryClient, showId, true);
  }, [heldUntil, setNotice, attempt, queryClient, showId]);

  return {
    hold,
    confirm,
    cancel,
    onExpire,
    signIn,
    signedOut: user === null,
    holdActive,
    pending: holdMutation.isPending || bookMutation.isPending || releaseMutation.isPending,
    isHolding: holdMutation.isPending,
    isBooking: bookMutation.isPending,
    isReleasing: releaseMutation.isPending,
    confirmation,
    dismissConfirmation: () => setConfirmation(null),
  };
}

export type SeatActions = ReturnType<typeof useSeatActions>;
