// Money comes from the API as decimal strings in the currency's own decimals ("8.50" EUR, "1500" JPY).
// Floats cannot hold most of those exactly (0.1 + 0.2 !== 0.3), so sums are done on whole minor
// units (BigInt) and Intl only formats the final string.

const AMOUNT = /^(-?)(\d+)(?:\.(\d+))?$/;

interface Parsed {
  units: bigint;
  decimals: number;
}

function parse(amount: string): Parsed {
  const match = AMOUNT.exec(amount);
  if (!match) throw new RangeError(`Not a decimal amount: ${JSON.stringify(amount)}`);
  const [, sign, whole, fraction = ''] = match;
  const units = BigInt(`${whole}${fraction}`);
  return { units: sign ? -units : units, decimals: fraction.length };
}

function toText(units: bigint, decimals: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(decimals + 1, '0');
  const text = decimals ? `${digits.slice(0, -decimals)}.${digits.slice(-decimals)}` : digits;
  return negative ? `-${text}` : text;
}

/**
 * The exact sum of decimal strings, written with as many decimals as the most precise of them
 * (at least `decimals`): "0.10" + "0.20" = "0.30", "1500" + "1500" = "3000", [] = "0".
 */
export function sumAmounts(amounts: readonly string[], decimals = 0): string {
  const parsed = amounts.map(parse);
  const places = Math.max(decimals, ...parsed.map((p) => p.decimals));
  const total = parsed.reduce((sum, p) => sum + p.units * 10n ** BigInt(places - p.decimals), 0n);
  return toText(total, places);
}

/** Whether two decimal strings are the same amount, whatever their decimals: "14.0" equals "14.00". */
export function amountsEqual(a: string, b: string): boolean {
  const [x, y] = [parse(a), parse(b)];
  const places = Math.max(x.decimals, y.decimals);
  return x.units * 10n ** BigInt(places - x.decimals) === y.units * 10n ** BigInt(places - y.decimals);
}

const formatters = new Map<string, Intl.NumberFormat>();

/** "€8.50" (or "8,50 €", by the viewer's locale) for the amount "8.50" in EUR; `locale` is for tests. */
export function formatMoney(amount: string, currency: string, locale?: string): string {
  const key = `${locale ?? ''}|${currency}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    formatter = new Intl.NumberFormat(locale, { style: 'currency', currency });
    formatters.set(key, formatter);
  }
  // Intl formats a string as the exact decimal it spells, never through a float (Intl.NumberFormat v3);
  // TypeScript's ES2022 lib only declares number | bigint. `format` is a bound getter, safe to detach.
  const format = formatter.format as unknown as (value: string) => string;
  return format(amount);
}
