import { useCallback, useRef, useState, type Dispatch, type SetStateAction } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useLocation, useNavigate } from 'react-router';
import { isApiError } from '@/lib/api-client';
import { useUser } from '@/lib/auth';
import { refetchHallLayout } from '../api/get-hall-layout';
import { useHoldBestAvailable, type BestAvailableInput } from '../api/use-hold-best-available';
import { useHoldSeats } from '../api/use-hold-seats';
import { useReleaseSeats } from '../api/use-release-seats';
import { bestAvailableNotice, noBlockNotice } from '../utils/hold-notices';
import { noticeForError, type Notice, type SeatAction } from '../utils/notice';
import { blockLabel } from '../utils/plan';
import { saveSelection } from '../utils/saved-selection';
import type { HallSeats } from './use-hall-seats';
import type { SeatSelection } from './use-seat-selection';

export interface SeatActionsOptions extends HallSeats {
  showId: number;
  max: number;
  selection: SeatSelection;
  setNotice: Dispatch<SetStateAction<Notice | null>>;
}

/** A best-available request of this show. */
export type BestRequest = Omit<BestAvailableInput, 'showId'>;

/** Hold (my picks or the best available) and release, one at a time, with their notices (paying is useCheckout's). */
export function useSeatActions({ showId, max, heldByMe, heldUntil, seatsById, labelsFor, selection, setNotice }: SeatActionsOptions) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const location = useLocation();
  const { data: user } = useUser();
  const holdMutation = useHoldSeats();
  const releaseMutation = useReleaseSeats();
  const bestMutation = useHoldBestAvailable();
  // Counts holds that succeeded: the action bar takes the focus on each (the next step is there).
  const [heldCount, setHeldCount] = useState(0);
  const labelBlock = (ids: number[]) => blockLabel(ids.flatMap((id) => seatsById.get(id) ?? []));
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

  const showError = (error: unknown, action: SeatAction, retry: () => void, take?: (seatIds: number[]) => void) => {
    setNotice(noticeForError(error, action, { labelsFor, max, selected: selection.current(), retry, blockLabel: labelBlock, take }));
    // Seats others took, or the show does not sell, leave the selection; the rest is kept for another try.
    const refused = isApiError(error) && error.status === 409 && (error.code === 'seat_unavailable' || error.code === 'category_not_sold');
    if (refused) selection.drop(error.seatIds ?? []);
  };

  const held = () => {
    setExpiredHold(null);
    setHeldCount((n) => n + 1);
  };

  /** Hold these seats; `replacing`: picks they stand in for (a suggestion instead of them), unselected too. */
  const hold = (seatIds: number[], replacing: number[] = []) => {
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
          selection.drop([...seatIds, ...replacing]);
          held();
        },
        // Refused for stranding a seat: the server's suggestion, held in one click, replaces these picks.
        onError: (error) => showError(error, 'hold', () => hold(seatIds, replacing), (suggested) => hold(suggested, seatIds)),
        onSettled: done,
      },
    );
  };

  const holdBest = (request: BestRequest) => {
    if (busyRef.current) return;
    if (user === null) {
      signIn();
      return;
    }
    begin();
    bestMutation.mutate(
      { showId, ...request },
      {
        onSuccess: (res) => {
          // The server chose the seats: picks made by hand would only count against the limit.
          selection.clear();
          held();
          setNotice(bestAvailableNotice(res, labelBlock));
        },
        onError: (error) => {
          if (isApiError(error) && error.code === 'no_block') {
            setNotice(noBlockNotice(request.quantity, error.largestBlock ?? 0, (quantity) => holdBest({ ...request, quantity })));
          } else showError(error, 'hold', () => holdBest(request));
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
    void refetchHallLayout(queryClient, showId, true);
  }, [heldUntil, setNotice, queryClient, showId]);

  return {
    hold,
    holdBest,
    heldCount,
    cancel,
    onExpire,
    signIn,
    signedOut: user === null,
    holdActive,
    pending: holdMutation.isPending || releaseMutation.isPending || bestMutation.isPending,
    isHolding: holdMutation.isPending || bestMutation.isPending,
    isReleasing: releaseMutation.isPending,
  };
}

export type SeatActions = ReturnType<typeof useSeatActions>;
