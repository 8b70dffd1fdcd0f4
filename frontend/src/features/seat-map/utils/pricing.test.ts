import { describe, expect, it } from 'vitest';
import { formatMoney } from '@/lib/money';
import { category, seat } from '@/testing/test-utils';
import { isForSale, isSelectable, PATTERN_COUNT, pricingOf, totalText } from './pricing';

const categories = [
  category(1, 'Standard', '8.50'),
  category(2, 'Premium', '12.50', '#aa3377'),
  category(3, 'VIP', null, '#228833'),
];
const pricing = pricingOf({ currency: 'EUR', categories });

describe('pricingOf', () => {
  it('keeps display order, formats listed prices and gives patterns by place', () => {
    expect(pricing.categories.map((c) => [c.name, c.priceText, c.pattern])).toEqual([
      ['Standard', formatMoney('8.50', 'EUR'), 0],
      ['Premium', formatMoney('12.50', 'EUR'), 1],
      ['VIP', null, 2],
    ]);
    expect(pricing.byId.get(2)?.colour).toBe('#aa3377');
  });

  it('repeats the patterns past PATTERN_COUNT categories', () => {
    const many = pricingOf({
      currency: 'EUR',
      categories: Array.from({ length: PATTERN_COUNT + 1 }, (_, i) => category(i + 1, `C${i}`, '1.00')),
    });
    expect(many.categories.at(-1)?.pattern).toBe(0);
  });
});

describe('isForSale / isSelectable', () => {
  it('a seat is for sale when its category has a price', () => {
    expect(isForSale(seat(1, 'A', 1, { category: 2 }), pricing)).toBe(true);
    expect(isForSale(seat(1, 'A', 1, { category: 3 }), pricing)).toBe(false);
    expect(isForSale(seat(1, 'A', 1, { category: 99 }), pricing)).toBe(false);
  });

  it('a seat can be picked when it is available and for sale', () => {
    expect(isSelectable(seat(1, 'A', 1), pricing)).toBe(true);
    expect(isSelectable(seat(1, 'A', 1, { status: 'held' }), pricing)).toBe(false);
    expect(isSelectable(seat(1, 'A', 1, { category: 3 }), pricing)).toBe(false);
  });
});

describe('totalText', () => {
  it('sums the listed prices exactly', () => {
    const seats = [seat(1, 'A', 1), seat(2, 'A', 2, { category: 2 }), seat(3, 'A', 3, { category: 2 })];
    expect(totalText(seats, pricing)).toBe(formatMoney('33.50', 'EUR'));
  });

  it('adds cents without float error', () => {
    const cents = pricingOf({ currency: 'EUR', categories: [category(1, 'A', '0.10'), category(2, 'B', '0.20')] });
    expect(totalText([seat(1, 'A', 1), seat(2, 'A', 2, { category: 2 })], cents)).toBe(formatMoney('0.30', 'EUR'));
  });

  it('works in a currency without decimals', () => {
    const yen = pricingOf({ currency: 'JPY', categories: [category(1, 'Standard', '1500')] });
    expect(totalText([seat(1, 'A', 1), seat(2, 'A', 2)], yen)).toBe(formatMoney('3000', 'JPY'));
  });

  it('is null for no seats, or when a seat has no price', () => {
    expect(totalText([], pricing)).toBeNull();
    expect(totalText([seat(1, 'A', 1), seat(2, 'A', 2, { category: 3 })], pricing)).toBeNull();
  });
});
