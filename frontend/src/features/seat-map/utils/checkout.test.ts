import { describe, expect, it } from 'vitest';
import { category, seat } from '@/testing/test-utils';
import { cardErrors, checkoutLines, checkoutTotal, normaliseCard, normaliseExpiry, orderKey, orderSeats } from './checkout';
import { defaultTicketType, pricingOf } from './pricing';

const CHILD = { ticket_type_id: 2, ticket_type: 'Child', amount: '0.20' };
const pricing = pricingOf({
  currency: 'EUR',
  categories: [category(1, 'Standard', '0.10', '#3b82f6', [CHILD]), category(2, 'VIP', null)],
});

describe('defaultTicketType', () => {
  const senior = { ticket_type_id: 4, ticket_type: 'Senior', amount: '8.00' };
  const adult = { ticket_type_id: 1, ticket_type: 'Adult', amount: '9.00' };
  it('is the ticket type sold at the listed price, else the first', () => {
    expect(defaultTicketType({ price: '9.0', prices: [senior, adult] })).toBe(adult);
    expect(defaultTicketType({ price: '9.50', prices: [senior, adult] })).toBe(senior);
    expect(defaultTicketType({ price: null, prices: [] })).toBeNull();
    expect(defaultTicketType(undefined)).toBeNull();
  });
});

describe('checkoutLines / checkoutTotal / orderSeats', () => {
  const seats = [seat(3, 'A', 3), seat(1, 'A', 1), seat(2, 'A', 2)];

  it('gives each seat its default ticket type unless another was chosen, and sums exactly', () => {
    const lines = checkoutLines(seats, pricing, new Map([[1, 2]]));
    expect(lines.map((l) => [l.label, l.category, l.choice?.ticket_type])).toEqual([
      ['A3', 'Standard', 'Adult'],
      ['A1', 'Standard', 'Child'],
      ['A2', 'Standard', 'Adult'],
    ]);
    expect(checkoutTotal(lines)).toBe('0.40'); // 0.10 + 0.20 + 0.10, not 0.4000000000000001
    expect(orderSeats(lines)).toEqual([
      { seat_id: 1, ticket_type_id: 2 },
      { seat_id: 2, ticket_type_id: 1 },
      { seat_id: 3, ticket_type_id: 1 },
    ]);
  });

  it('ignores a choice the category does not sell, and has no total when a seat is not for sale', () => {
    expect(checkoutLines([seat(1, 'A', 1)], pricing, new Map([[1, 99]]))[0]!.choice?.ticket_type).toBe('Adult');
    const lines = checkoutLines([seat(1, 'A', 1), seat(2, 'A', 2, { category: 2 })], pricing, new Map());
    expect(lines[1]!.choice).toBeNull();
    expect(checkoutTotal(lines)).toBeNull();
    expect(checkoutTotal([])).toBeNull();
  });

  it('keys an order by its show, seats and ticket types', () => {
    const a = orderKey(1, [{ seat_id: 1, ticket_type_id: 1 }]);
    expect(orderKey(1, [{ seat_id: 1, ticket_type_id: 1 }])).toBe(a);
    expect(orderKey(1, [{ seat_id: 1, ticket_type_id: 2 }])).not.toBe(a);
    expect(orderKey(2, [{ seat_id: 1, ticket_type_id: 1 }])).not.toBe(a);
  });
});

describe('the card', () => {
  it('is sent as the API takes it', () => {
    expect(normaliseExpiry('1230')).toBe('12/30');
    expect(normaliseExpiry('12 / 30')).toBe('12/30');
    expect(normaliseExpiry('12/2030')).toBe('12/30');
    expect(normaliseCard({ number: '4242-4242 4242 4242', expiry: '0130', cvc: ' 123 ' })).toEqual({
      number: '4242424242424242',
      expiry: '01/30',
      cvc: '123',
    });
  });

  it('is checked by the API’s rules before it is sent', () => {
    expect(cardErrors({ number: '4242 4242 4242 4242', expiry: '12/34', cvc: '123' })).toEqual({});
    expect(Object.keys(cardErrors({ number: '4242', expiry: '13/34', cvc: '12' }))).toEqual(['number', 'expiry', 'cvc']);
  });
});
