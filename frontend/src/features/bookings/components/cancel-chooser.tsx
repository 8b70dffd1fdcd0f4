import { useEffect, useId, useRef, type FormEvent, type KeyboardEvent } from 'react';
import { formatSeatRef } from '@/lib/format';
import { formatMoney } from '@/lib/money';
import type { CancelFlow } from '../hooks/use-cancel-flow';
import { refundText } from '../utils/wording';

/** Step 1: which seats to cancel (all to begin with), and what comes back for them. Escape closes it. */
export function CancelChooser({ flow, currency }: { flow: CancelFlow; currency: string | null }) {
  const id = useId();
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    headingRef.current?.focus();
  }, []);
  const none = flow.chosen.length === 0;

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    flow.review();
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') flow.close();
  };

  return (
    <section className="cancel-panel" aria-labelledby={`${id}-title`} data-testid="cancel-chooser" onKeyDown={onKeyDown}>
      <h3 id={`${id}-title`} tabIndex={-1} ref={headingRef}>
        Cancel seats
      </h3>
      <form onSubmit={onSubmit} noValidate>
        <fieldset className="cancel-panel__seats">
          <legend>Seats to cancel</legend>
          {flow.live.map((seat) => {
            const name = formatSeatRef(seat);
            const price = seat.amount !== null && currency ? formatMoney(seat.amount, currency) : null;
            return (
              <label key={seat.id} className="cancel-seat">
                <input
                  type="checkbox"
                  // One name in every browser ("Row C, seat 7, €6.50"), whatever the layout of the spans.
                  aria-label={price ? `${name}, ${price}` : name}
                  checked={flow.isPicked(seat.id)}
                  onChange={() => flow.toggle(seat.id)}
                  data-testid={`cancel-seat-${seat.id}`}
                />
                <span>{name}</span>
                {price ? <span className="amount">{price}</span> : null}
              </label>
            );
          })}
        </fieldset>
        <p className="cancel-panel__refund" role="status" data-testid="refund-preview">
          {none ? 'Choose at least one seat to cancel.' : refundText(flow.refund)}
        </p>
        <div className="cancel-panel__actions">
          <button type="submit" className="btn btn-primary" aria-disabled={none} data-testid="cancel-continue">
            Continue
          </button>
          <button type="button" className="btn btn-ghost" onClick={flow.close}>
            Keep my booking
          </button>
        </div>
      </form>
    </section>
  );
}
