import { formatMoney } from '@/lib/money';
import type { CheckoutLine } from '../utils/checkout';

export interface TicketLinesProps {
  lines: readonly CheckoutLine[];
  total: string | null;
  currency: string;
  onChoose: (seatId: number, ticketTypeId: number) => void;
}

/** Each held seat with a ticket type to choose and its price, and the exact total, updated as they change. */
export function TicketLines({ lines, total, currency, onChoose }: TicketLinesProps) {
  const money = (amount: string) => formatMoney(amount, currency);
  return (
    <div className="ticket-lines">
      <h3 id="ticket-lines-title">Tickets</h3>
      <ul aria-labelledby="ticket-lines-title">
        {lines.map((line) => (
          <li key={line.seatId} className="ticket-line" data-testid={`ticket-line-${line.seatId}`}>
            <span className="ticket-line__seat">
              <strong>{line.label}</strong> <span className="muted">{line.category}</span>
            </span>
            {line.choice ? (
              <select
                className="ticket-line__type"
                aria-label={`Ticket type for ${line.label}`}
                value={line.choice.ticket_type_id}
                onChange={(e) => onChoose(line.seatId, Number(e.target.value))}
              >
                {line.options.map((o) => (
                  <option key={o.ticket_type_id} value={o.ticket_type_id}>
                    {o.ticket_type} · {money(o.amount)}
                  </option>
                ))}
              </select>
            ) : (
              <em className="ticket-line__type">No longer on sale</em>
            )}
            <span className="ticket-line__price" data-testid={`ticket-price-${line.seatId}`}>
              {line.choice ? money(line.choice.amount) : '—'}
            </span>
          </li>
        ))}
      </ul>
      <p className="ticket-lines__total">
        <span>Total</span>{' '}
        <output data-testid="checkout-total" aria-live="polite" aria-label={total === null ? undefined : `Total ${money(total)}`}>
          {total === null ? '—' : money(total)}
        </output>
      </p>
    </div>
  );
}
