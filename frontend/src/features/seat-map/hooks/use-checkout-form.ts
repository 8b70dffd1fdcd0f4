import { useMemo, useState } from 'react';
import type { CardDetails, PaymentMethod, PayRequest, Seat } from '@/types/api';
import {
  cardErrors,
  checkoutLines,
  checkoutTotal,
  normaliseCard,
  type CardErrors,
  type CardField,
  type TicketChoices,
} from '../utils/checkout';
import type { Pricing } from '../utils/pricing';

const NO_CARD: CardDetails = { number: '', expiry: '', cvc: '' };

/** What the checkout form holds: a ticket type per seat, how to pay, the card. */
export function useCheckoutForm(seats: readonly Seat[], pricing: Pricing, boxOfficeAllowed: boolean) {
  const [choices, setChoices] = useState<TicketChoices>(() => new Map());
  const [chosenMethod, setMethod] = useState<PaymentMethod>('card');
  const [card, setCard] = useState<CardDetails>(NO_CARD);
  const [errors, setErrors] = useState<CardErrors>({});
  const lines = useMemo(() => checkoutLines(seats, pricing, choices), [seats, pricing, choices]);
  const total = checkoutTotal(lines);
  // The show may stop offering the box office while the form is open.
  const method: PaymentMethod = boxOfficeAllowed ? chosenMethod : 'card';

  return {
    lines,
    /** The exact total of the chosen ticket types; null when a seat cannot be sold. */
    total,
    method,
    card,
    errors,
    choose: (seatId: number, ticketTypeId: number) => setChoices((prev) => new Map(prev).set(seatId, ticketTypeId)),
    setMethod,
    setCardField: (field: CardField, value: string) => {
      setCard((prev) => ({ ...prev, [field]: value }));
      setErrors((prev) => (prev[field] ? { ...prev, [field]: undefined } : prev));
    },
    /** The payment to send, or null (and the card's errors shown) when the card is not complete. */
    payment: (): PayRequest | null => {
      if (method === 'box_office') return { method };
      const found = cardErrors(card);
      setErrors(found);
      return Object.keys(found).length ? null : { method, card: normaliseCard(card) };
    },
  };
}

export type CheckoutForm = ReturnType<typeof useCheckoutForm>;
