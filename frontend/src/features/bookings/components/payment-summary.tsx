import { formatMoney } from '@/lib/money';
import type { Booking } from '@/types/api';
import { isZero, owedAtBoxOffice } from '../utils/money';

/** What was paid for a booking (or is to pay at the box office) and what was refunded so far. */
export function PaymentSummary({ booking }: { booking: Pick<Booking, 'seats' | 'payment'> }) {
  const { payment } = booking;
  if (!payment) return null;
  const money = (amount: string) => <strong className="amount">{formatMoney(amount, payment.currency)}</strong>;
  const refunded = isZero(payment.amount_refunded) ? null : payment.amount_refunded;

  let text;
  if (payment.status === 'box_office') {
    const owed = owedAtBoxOffice(booking) ?? payment.total;
    text = <>To pay at the box office when you arrive: {money(owed)}</>;
  } else if (payment.status === 'cancelled' && isZero(payment.amount_paid)) {
    text = <>Nothing to pay: every seat was cancelled.</>;
  } else {
    text = (
      <>
        Total paid: {money(payment.amount_paid)}
        {refunded ? (
          <>
            {' · '}
            {payment.status === 'cancelled' ? 'Refunded' : 'Refunded so far'}: {money(refunded)}
          </>
        ) : null}
      </>
    );
  }
  return (
    <p className="payment-summary" data-testid="payment-summary">
      {text}
    </p>
  );
}
