import { describe, expect, it } from 'vitest';
import { amountsEqual, formatMoney, sumAmounts } from './money';

describe('sumAmounts', () => {
  it('adds decimal strings exactly, keeping their decimals', () => {
    expect(0.1 + 0.2).not.toBe(0.3); // why floats are not used
    expect(sumAmounts(['0.10', '0.20'])).toBe('0.30');
    expect(sumAmounts(['8.50', '12.50', '0.99'])).toBe('21.99');
    expect(sumAmounts(['10.00', '10.00'])).toBe('20.00');
    expect(sumAmounts(['0.05', '0.05'])).toBe('0.10');
  });

  it('handles currencies without decimals (JPY)', () => {
    expect(sumAmounts(['1500', '1500', '800'])).toBe('3800');
    expect(sumAmounts(['0'])).toBe('0');
  });

  it('stays exact beyond what a float can hold', () => {
    expect(sumAmounts(['90071992547409.91', '0.02'])).toBe('90071992547409.93');
  });

  it('writes an empty sum with the decimals asked for', () => {
    expect(sumAmounts([])).toBe('0');
    expect(sumAmounts([], 2)).toBe('0.00');
    expect(sumAmounts(['1.5'], 2)).toBe('1.50');
  });

  it('handles negative amounts (refunds) and mixed precision', () => {
    expect(sumAmounts(['-1.25', '1.00'])).toBe('-0.25');
    expect(sumAmounts(['2', '0.5'])).toBe('2.5');
  });

  it('refuses what is not a decimal string', () => {
    expect(() => sumAmounts(['8,50'])).toThrow(RangeError);
    expect(() => sumAmounts(['1e3'])).toThrow(RangeError);
    expect(() => sumAmounts([''])).toThrow(RangeError);
  });
});

describe('amountsEqual', () => {
  it('compares the amounts, not their spelling', () => {
    expect(amountsEqual('14.00', '14.00')).toBe(true);
    expect(amountsEqual('14.0', '14.00')).toBe(true);
    expect(amountsEqual('1500', '1500.00')).toBe(true);
    expect(amountsEqual('14.00', '14.01')).toBe(false);
    expect(amountsEqual('-1.00', '1.00')).toBe(false);
    expect(amountsEqual('9007199254740993.01', '9007199254740993.02')).toBe(false);
  });
});

describe('formatMoney', () => {
  it('formats with the currency symbol and its own decimals', () => {
    expect(formatMoney('8.50', 'EUR', 'en-US')).toBe('€8.50');
    expect(formatMoney('1500', 'JPY', 'en-US')).toBe('¥1,500');
    expect(formatMoney('20.00', 'USD', 'en-US')).toBe('$20.00');
  });

  it("follows the locale's conventions", () => {
    expect(formatMoney('1234.50', 'EUR', 'de-DE')).toBe('1.234,50\u00a0€');
  });

  it('formats the decimal string exactly, not through a float', () => {
    expect(formatMoney('90071992547409.93', 'EUR', 'en-US')).toBe('€90,071,992,547,409.93');
  });
});
