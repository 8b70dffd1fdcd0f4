// What a booking cost, what is still owed and what a cancellation gives back. Amounts are decimal strings
// summed exactly (lib/money), never floats.
import { amountsEqual, sumAmounts } from '@/lib/money';
import type { BookedSeat, Booking } from '@/types/api';

/** The seats still booked (not cancelled), in the order the API lists them. */
export function liveSeats(booking: Pick<Booking, 'seats'>): BookedSeat[] {
  return booking.seats.filter((s) => s.cancelled_at === null);
}

export function isZero(amount: string): boolean {
  return amountsEqual(amount, '0');
}

/** The exact sum of these seats' prices; null if one of them has no price on record. */
export function seatsTotal(seats: readonly BookedSeat[]): string | null {
  const amounts = seats.map((s) => s.amount);
  if (amounts.some((a) => a === null)) return null;
  return sumAmounts(amounts as string[]);
}

/** What cancelling some seats gives back, as the server will: what was paid for them, nothing if unpaid. */
export type RefundPreview =
  /** Paid by card: exactly their prices (null: a price is missing, "what you paid for them"). */
  | { kind: 'refund'; amount: string | null; currency: string }
  /** To pay at the box office: nothing was paid, nothing to give back. */
  | { kind: 'box_office' }
  /** No payment on record. */
  | { kind: 'unpaid' };

export function refundPreview(booking: Pick<Booking, 'seats' | 'payment'>, seatIds: readonly number[]): RefundPreview {
  const { payment } = booking;
  if (payment?.status === 'box_office') return { kind: 'box_office' };
  if (payment?.status !== 'paid') return { kind: 'unpaid' };
  const ids = new Set(seatIds);
  const chosen = liveSeats(booking).filter((s) => ids.has(s.id));
  return { kind: 'refund', amount: seatsTotal(chosen), currency: payment.currency };
}

/** What is still to pay at the box office: the seats still booked (cancelling one takes it off). */
export function owedAtBoxOffice(booking: Pick<Booking, 'seats' | 'payment'>): string | null {
  if (booking.payment?.status !== 'box_office') return null;
  return seatsTotal(liveSeats(booking)) ?? booking.payment.total;
}
