import { useEffect, useRef } from 'react';
import { Link } from 'react-router';
import { formatSeatRef } from '@/lib/format';
import { formatMoney } from '@/lib/money';
import type { Order } from '@/types/api';

/** The booked order: its reference, each seat with its ticket type and price, and the total paid (or to pay). */
export function OrderConfirmation({ order, onDone }: { order: Order; onDone: () => void }) {
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    headingRef.current?.focus();
  }, []);
  const money = (amount: string) => formatMoney(amount, order.currency);
  return (
    <div className="card confirmation" role="region" aria-labelledby="confirmation-title" data-testid="booking-confirmation">
      <div className="confirmation__icon" aria-hidden="true">
        ✓
      </div>
      <div className="confirmation__body">
        <h2 id="confirmation-title" tabIndex={-1} ref={headingRef}>
          You’re booked!
        </h2>
        <p>
          Booking reference{' '}
          <strong className="reference" data-testid="booking-reference">
            {order.booking_reference ?? order.reference}
          </strong>
        </p>
        <ul className="confirmation__lines" aria-label="Your seats" data-testid="booked-seats">
          {order.lines.map((line) => (
            <li key={line.seat_id}>
              <span>
                {formatSeatRef({ id: line.seat_id, row: line.row, number: line.number })} · {line.category} ·{' '}
                {line.ticket_type}
              </span>
              <span className="confirmation__amount">{money(line.amount)}</span>
            </li>
          ))}
        </ul>
        <p data-testid="order-total">
          {order.status === 'box_office' ? (
            <>
              To pay at the box office when you arrive: <strong>{money(order.total)}</strong>
            </>
          ) : (
            <>
              Total paid: <strong>{money(order.amount_paid)}</strong>
            </>
          )}
        </p>
        <p className="confirmation__actions">
          <Link to="/bookings" className="btn btn-primary">
            My bookings
          </Link>
          <button type="button" className="btn btn-ghost" onClick={onDone}>
            Book more seats
          </button>
        </p>
      </div>
    </div>
  );
}
