import { formatMoney } from '@/lib/money';
import type { CancelResult } from '@/types/api';
import { isZero, type RefundPreview } from './money';

/** "1 seat", "2 seats". */
export function seatsWord(n: number): string {
  return `${n} seat${n === 1 ? '' : 's'}`;
}

/** What a cancellation will give back, said before anything is cancelled: "You will be refunded €16.50." */
export function refundText(refund: RefundPreview): string {
  switch (refund.kind) {
    case 'refund':
      return refund.amount === null
        ? 'You will be refunded what you paid for them.'
        : `You will be refunded ${formatMoney(refund.amount, refund.currency)}.`;
    case 'box_office':
      return 'Nothing to refund: you had not paid yet (you were to pay at the box office).';
    case 'unpaid':
      return 'Nothing to refund: nothing was paid for this booking.';
  }
}

/** What a cancellation did: "Cancelled 1 seat; €10.00 refunded." */
export function cancelledText(result: CancelResult): string {
  if (!result.seat_ids.length) return 'Those seats were already cancelled; nothing more to refund.';
  const seats = `Cancelled ${seatsWord(result.seat_ids.length)}`;
  if (isZero(result.refund)) return `${seats}; nothing to refund.`;
  return `${seats}; ${formatMoney(result.refund, result.currency)} refunded.`;
}
