import { formatMoney } from '@/lib/money';
import type { PriceRange } from '@/types/api';

/** "from €8.50", or "€8.50" when every ticket costs the same; null when nothing is on sale. */
export function priceRangeText(range: PriceRange | null): string | null {
  if (!range) return null;
  const min = formatMoney(range.min, range.currency);
  // Both amounts come with the currency's own decimals, so equal prices are equal strings.
  return range.min === range.max ? min : `from ${min}`;
}
