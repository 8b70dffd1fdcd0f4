import { useEffect, useRef, type FormEvent, type KeyboardEvent } from 'react';
import { flushSync } from 'react-dom';
import { formatMoney } from '@/lib/money';
import type { Seat } from '@/types/api';
import type { Checkout } from '../hooks/use-checkout';
import { useCheckoutForm } from '../hooks/use-checkout-form';
import type { Pricing } from '../utils/pricing';
import { CheckoutStatusView } from './checkout-status';
import { Countdown } from './countdown';
import { PaymentFields } from './payment-fields';
import { TicketLines } from './ticket-lines';

export interface CheckoutPanelProps {
  checkout: Checkout;
  /** The seats I hold. */
  seats: readonly Seat[];
  heldUntil: string | null;
  pricing: Pricing;
  boxOfficeAllowed: boolean;
  onExpire: () => void;
}

/** The checkout step: a ticket type per held seat, the total, how to pay, and Pay. Escape goes back. */
export function CheckoutPanel({ checkout, seats, heldUntil, pricing, boxOfficeAllowed, onExpire }: CheckoutPanelProps) {
  const form = useCheckoutForm(seats, pricing, boxOfficeAllowed);
  const { status } = checkout;
  const formRef = useRef<HTMLFormElement>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    headingRef.current?.focus();
  }, []);

  const totalText = form.total === null ? null : formatMoney(form.total, pricing.currency);
  const fieldErrors = { ...(status.step === 'form' ? status.problem?.fields : undefined), ...stripEmpty(form.errors) };
  const cannotPay = checkout.busy || form.total === null;

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (cannotPay) return;
    // Rendered at once, so the first field in error can take the focus.
    const payment = flushSync(() => form.payment());
    if (!payment) {
      formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
      return;
    }
    void checkout.submit(form.lines, payment, form.total!);
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape' && !checkout.busy) checkout.close();
  };

  return (
    <section className="card checkout" aria-labelledby="checkout-title" data-testid="checkout" onKeyDown={onKeyDown}>
      <header className="checkout__head">
        <h2 id="checkout-title" tabIndex={-1} ref={headingRef}>
          Checkout
        </h2>
        {heldUntil ? <Countdown key={heldUntil} heldUntil={heldUntil} onExpire={onExpire} /> : null}
      </header>
      <form ref={formRef} onSubmit={onSubmit} noValidate aria-labelledby="checkout-title">
        <fieldset className="checkout__fields" disabled={checkout.busy}>
          <TicketLines lines={form.lines} total={form.total} currency={pricing.currency} onChoose={form.choose} />
          <PaymentFields form={{ ...form, errors: fieldErrors }} boxOfficeAllowed={boxOfficeAllowed} totalText={totalText} />
        </fieldset>
        <CheckoutStatusView status={status} />
        <div className="checkout__actions">
          <button type="button" className="btn btn-ghost" onClick={checkout.close} disabled={checkout.busy}>
            Back to seats
          </button>
          <button type="submit" className="btn btn-primary" data-testid="pay-button" aria-disabled={cannotPay}>
            {payLabel(checkout.status.step, form.method, totalText)}
          </button>
        </div>
      </form>
    </section>
  );
}

function payLabel(step: Checkout['status']['step'], method: string, total: string | null): string {
  if (step === 'paying') return 'Paying…';
  if (step === 'waiting') return 'Waiting for your bank…';
  if (total === null) return 'Pay';
  return method === 'box_office' ? `Confirm, pay ${total} at the box office` : `Pay ${total}`;
}

/** The card errors still standing (a field edited since has none). */
function stripEmpty<T extends Record<string, string | undefined>>(errors: T): Partial<T> {
  return Object.fromEntries(Object.entries(errors).filter(([, v]) => v)) as Partial<T>;
}
