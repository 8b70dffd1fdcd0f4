import { Field } from '@/components/field';
import type { CardDetails } from '@/types/api';
import type { CardErrors, CardField } from '../utils/checkout';

export interface CardFieldsProps {
  card: CardDetails;
  errors: CardErrors;
  onChange: (field: CardField, value: string) => void;
}

/** The test provider's card form: number, expiry and CVC, as browsers and password managers fill them in. */
export function CardFields({ card, errors, onChange }: CardFieldsProps) {
  const errorsOf = (field: CardField) => (errors[field] ? [errors[field]] : undefined);
  return (
    <div className="card-fields">
      <div className="card-fields__number">
        <Field
          label="Card number"
          name="cc-number"
          autoComplete="cc-number"
          inputMode="numeric"
          placeholder="1234 1234 1234 1234"
          maxLength={23}
          value={card.number}
          errors={errorsOf('number')}
          onChange={(e) => onChange('number', e.target.value)}
        />
      </div>
      <Field
        label="Expiry (MM/YY)"
        name="cc-exp"
        autoComplete="cc-exp"
        inputMode="numeric"
        placeholder="MM/YY"
        maxLength={7}
        value={card.expiry}
        errors={errorsOf('expiry')}
        onChange={(e) => onChange('expiry', e.target.value)}
      />
      <Field
        label="CVC"
        name="cc-csc"
        autoComplete="cc-csc"
        inputMode="numeric"
        placeholder="123"
        maxLength={4}
        value={card.cvc}
        errors={errorsOf('cvc')}
        onChange={(e) => onChange('cvc', e.target.value)}
      />
      <p className="hint card-fields__hint" data-testid="test-cards">
        Test cards (no money moves): <code>4242 4242 4242 4242</code> succeeds, <code>4000 0000 0000 0002</code> is
        declined, <code>4000 0000 0000 9995</code> is declined for insufficient funds, <code>4000 0000 0000 3220</code>{' '}
        succeeds after a few seconds. Any future expiry and any CVC.
      </p>
    </div>
  );
}
