import { describe, expect, it } from 'vitest';
import { ApiError } from '@/lib/api-client';
import { formatTime } from '@/lib/format';
import { makeOrder } from '@/testing/test-utils';
import { createOrderProblem, payProblem } from './checkout-problems';

const ctx = { labelsFor: (ids: number[]) => ids.map((id) => `A${id}`), max: 4 };
const error = (status: number, code: string, extra: Partial<ConstructorParameters<typeof ApiError>[0]> = {}) =>
  new ApiError({ status, code, detail: `detail of ${code}`, ...extra });
const order = makeOrder();

describe('payProblem', () => {
  it('keeps the form on a decline, naming the reason and until when the seats stay held', () => {
    const declined = error(402, 'payment_declined', { detail: 'The payment was declined (insufficient_funds). …' });
    expect(payProblem(declined, order, ctx)).toEqual({
      kind: 'inline',
      text: `Your card was declined (insufficient funds). Nothing was charged, and your seats stay held until ${formatTime(order.expires_at)}: please try another card.`,
    });
  });

  it('goes back to the map when the order expired or I was signed out, and waits when a payment is under way', () => {
    expect(payProblem(error(409, 'order_expired'), order, ctx)).toMatchObject({ kind: 'leave', notice: { kind: 'expired' } });
    expect(payProblem(error(403, 'not_authenticated'), order, ctx)).toEqual({ kind: 'leave', notice: { kind: 'auth' } });
    expect(payProblem(error(409, 'payment_in_progress'), order, ctx)).toEqual({ kind: 'wait' });
  });

  it('drops an order that cannot be paid any more, and reassures on a lost connection', () => {
    expect(payProblem(error(409, 'order_not_payable'), order, ctx)).toMatchObject({ kind: 'inline', dropOrder: true });
    expect(payProblem(error(0, 'network_error'), order, ctx)).toMatchObject({ text: expect.stringContaining('not be charged twice') });
    expect(payProblem(error(503, 'payment_unavailable'), order, ctx)).toMatchObject({ text: expect.stringContaining('nothing was charged') });
  });

  it('puts the card errors of a 400 on their fields', () => {
    const invalid = error(400, 'invalid', { errors: { 'card.number': ['A card number has 12 to 19 digits.'] } });
    expect(payProblem(invalid, order, ctx)).toMatchObject({ fields: { number: 'A card number has 12 to 19 digits.' } });
  });
});

describe('createOrderProblem', () => {
  it('names the seats a ticket type or category is no longer sold for', () => {
    expect(createOrderProblem(error(409, 'ticket_type_not_sold', { seatIds: [2] }), ctx)).toMatchObject({
      kind: 'inline',
      text: expect.stringContaining('The ticket type chosen for A2 is no longer sold'),
    });
    expect(createOrderProblem(error(409, 'category_not_sold', { seatIds: [1, 2] }), ctx)).toMatchObject({
      text: expect.stringContaining('A1 and A2 are no longer on sale'),
    });
  });

  it('goes back to the map when the seats are no longer held', () => {
    expect(createOrderProblem(error(409, 'not_held', { seatIds: [1] }), ctx)).toMatchObject({
      kind: 'leave',
      notice: { kind: 'conflict', text: expect.stringContaining('Your hold on A1 has expired') },
    });
  });
});
