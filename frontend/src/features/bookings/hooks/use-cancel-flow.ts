import { useState } from 'react';
import type { Booking, CancelResult } from '@/types/api';
import { useCancelBooking } from '../api/use-cancel-booking';
import { liveSeats, refundPreview } from '../utils/money';

/** closed: only the "Cancel seats" button; choose: pick the seats, see the refund; confirm: the last word. */
export type CancelStep = 'closed' | 'choose' | 'confirm';

/** A booking's cancellation: which seats, what comes back, and the request. */
export function useCancelFlow(booking: Booking) {
  const mutation = useCancelBooking();
  const [step, setStep] = useState<CancelStep>('closed');
  const [picked, setPicked] = useState<ReadonlySet<number>>(new Set());
  /** The last cancellation that went through (it outlives the list refetch, even once no seat is left). */
  const [done, setDone] = useState<CancelResult | null>(null);

  const live = liveSeats(booking);
  // Seats cancelled meanwhile (another tab) drop out of the choice.
  const chosen = live.filter((s) => picked.has(s.id));
  const chosenIds = chosen.map((s) => s.id);

  return {
    step,
    live,
    chosen,
    refund: refundPreview(booking, chosenIds),
    pending: mutation.isPending,
    error: mutation.error,
    done,
    isPicked: (seatId: number) => picked.has(seatId),
    toggle(seatId: number) {
      const next = new Set(picked);
      if (!next.delete(seatId)) next.add(seatId);
      setPicked(next);
    },
    /** Every seat still booked is picked to begin with. */
    open() {
      mutation.reset();
      setDone(null);
      setPicked(new Set(live.map((s) => s.id)));
      setStep('choose');
    },
    close() {
      if (mutation.isPending) return;
      mutation.reset();
      setStep('closed');
    },
    review() {
      if (chosen.length) setStep('confirm');
    },
    back() {
      if (mutation.isPending) return;
      mutation.reset();
      setStep('choose');
    },
    confirm() {
      if (!chosen.length || mutation.isPending) return;
      const whole = chosen.length === live.length;
      mutation.mutate(
        { reference: booking.reference, showId: booking.show_id, seatIds: whole ? undefined : chosenIds },
        {
          onSuccess: (result) => {
            setDone(result);
            setStep('closed');
          },
        },
      );
    },
    dismissError() {
      mutation.reset();
    },
  };
}

export type CancelFlow = ReturnType<typeof useCancelFlow>;
