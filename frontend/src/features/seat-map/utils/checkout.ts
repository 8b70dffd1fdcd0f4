import { seatLabel } from '@/lib/format';
import { sumAmounts } from '@/lib/money';
import type { CardDetails, OrderSeatRequest, Seat, TicketPrice } from '@/types/api';
import { defaultTicketType, type Pricing } from './pricing';

/** One held seat at checkout: the ticket types its category sells, and the one chosen. */
export interface CheckoutLine {
  seatId: number;
  label: string;
  category: string;
  options: readonly TicketPrice[];
  /** null: the show no longer sells the seat's category. */
  choice: TicketPrice | null;
}

/** Ticket type chosen per seat id; a seat not in it (or with a type no longer sold) gets its default. */
export type TicketChoices = ReadonlyMap<number, number>;

export function checkoutLines(seats: readonly Seat[], pricing: Pricing, choices: TicketChoices): CheckoutLine[] {
  return seats.map((seat) => {
    const category = pricing.byId.get(seat.category);
    const options = category?.price == null ? [] : category.prices;
    const chosen = options.find((o) => o.ticket_type_id === choices.get(seat.id));
    return {
      seatId: seat.id,
      label: seatLabel(seat),
      category: category?.name ?? '',
      options,
      choice: chosen ?? defaultTicketType(category),
    };
  });
}

/** The exact sum of the chosen prices; null when a seat has none (not for sale any more). */
export function checkoutTotal(lines: readonly CheckoutLine[]): string | null {
  if (!lines.length || lines.some((l) => l.choice === null)) return null;
  return sumAmounts(lines.map((l) => l.choice!.amount));
}

/** The seats of POST /api/orders/, in seat order, each with its chosen ticket type. */
export function orderSeats(lines: readonly CheckoutLine[]): OrderSeatRequest[] {
  return lines
    .filter((l) => l.choice !== null)
    .map((l) => ({ seat_id: l.seatId, ticket_type_id: l.choice!.ticket_type_id }))
    .sort((a, b) => a.seat_id - b.seat_id);
}

/** Same key, same order: paying again after a decline reuses the order unless seats or ticket types changed. */
export function orderKey(showId: number, seats: readonly OrderSeatRequest[]): string {
  return `${showId}|${seats.map((s) => `${s.seat_id}:${s.ticket_type_id ?? ''}`).join(',')}`;
}

export type CardField = keyof CardDetails;
export type CardErrors = Partial<Record<CardField, string>>;

/** "1230", "12 / 30" or "12/2030" as the API's "MM/YY". */
export function normaliseExpiry(value: string): string {
  const text = value.replace(/\s+/g, '');
  const match = /^(\d{2})\/?(?:20)?(\d{2})$/.exec(text);
  return match ? `${match[1]}/${match[2]}` : text;
}

/** The card as the API takes it: digits only in the number, MM/YY expiry. */
export function normaliseCard(card: CardDetails): CardDetails {
  return { number: card.number.replace(/[\s-]/g, ''), expiry: normaliseExpiry(card.expiry), cvc: card.cvc.trim() };
}

/** What is wrong with the card before it is sent (the same rules as the API's), per field. */
export function cardErrors(card: CardDetails): CardErrors {
  const { number, expiry, cvc } = normaliseCard(card);
  const errors: CardErrors = {};
  if (!/^\d{12,19}$/.test(number)) errors.number = 'Enter the card number: 12 to 19 digits.';
  if (!/^(0[1-9]|1[0-2])\/\d{2}$/.test(expiry)) errors.expiry = 'Enter the expiry date as MM/YY.';
  if (!/^\d{3,4}$/.test(cvc)) errors.cvc = 'Enter the 3 or 4 digit security code.';
  return errors;
}
