import type { PaymentMethod } from '@/types/api';
import type { CheckoutForm } from '../hooks/use-checkout-form';
import { CardFields } from './card-fields';

export interface PaymentFieldsProps {
  form: CheckoutForm;
  /** The show lets the order be paid at the box office on arrival. */
  boxOfficeAllowed: boolean;
  /** The total, formatted. */
  totalText: string | null;
}

const METHODS: { value: PaymentMethod; label: string }[] = [
  { value: 'card', label: 'Card' },
  { value: 'box_office', label: 'Pay at the box office' },
];

/** How to pay: by card (the card form), or at the box office when the show allows it. */
export function PaymentFields({ form, boxOfficeAllowed, totalText }: PaymentFieldsProps) {
  return (
    <fieldset className="payment-fields">
      <legend>{boxOfficeAllowed ? 'Payment method' : 'Pay by card'}</legend>
      {boxOfficeAllowed ? (
        <div className="payment-fields__methods">
          {METHODS.map((m) => (
            <label key={m.value} className="radio">
              <input
                type="radio"
                name="payment-method"
                value={m.value}
                checked={form.method === m.value}
                onChange={() => form.setMethod(m.value)}
              />
              {m.label}
            </label>
          ))}
        </div>
      ) : null}
      {form.method === 'card' ? (
        <CardFields card={form.card} errors={form.errors} onChange={form.setCardField} />
      ) : (
        <p className="muted" data-testid="box-office-note">
          Your seats are booked as soon as you confirm; pay {totalText ?? 'the total'} at the box office when you arrive,
          before the show starts.
        </p>
      )}
    </fieldset>
  );
}
