import { describe, expect, it } from 'vitest';
import { formatMoney } from '@/lib/money';
import { priceRangeText } from './price-range';

describe('priceRangeText', () => {
  it('says "from" the cheapest ticket when prices differ', () => {
    expect(priceRangeText({ currency: 'EUR', min: '8.50', max: '12.50' })).toBe(`from ${formatMoney('8.50', 'EUR')}`);
  });

  it('gives the one price when every ticket costs the same', () => {
    expect(priceRangeText({ currency: 'JPY', min: '1500', max: '1500' })).toBe(formatMoney('1500', 'JPY'));
  });

  it('is null when nothing is on sale', () => {
    expect(priceRangeText(null)).toBeNull();
  });
});
