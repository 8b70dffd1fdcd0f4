import { amountsEqual, formatMoney, sumAmounts } from '@/lib/money';
import type { HallLayout, Seat, TicketPrice } from '@/types/api';

/**
 * How many seat patterns there are (styles/index.css, .cat-pattern-N). The n-th category in display
 * order gets pattern n, so categories differ by more than colour; past six they repeat, with their
 * own colours.
 */
export const PATTERN_COUNT = 6;

export interface PricedCategory {
  id: number;
  name: string;
  /** "#rrggbb" */
  colour: string;
  /** The listed price, a decimal string; null: this show does not sell the category. */
  price: string | null;
  /** The listed price formatted for the viewer ("€12.50"); null when not for sale. */
  priceText: string | null;
  /** 0..PATTERN_COUNT-1, from its place in display order. */
  pattern: number;
  /** What each ticket type (Adult, Child...) costs for it; empty when not for sale. */
  prices: readonly TicketPrice[];
}

export interface Pricing {
  currency: string;
  /** In display order. */
  categories: PricedCategory[];
  byId: ReadonlyMap<number, PricedCategory>;
}

/** Before the layout is here: nothing priced, nothing for sale. */
export const NO_PRICING: Pricing = { currency: 'EUR', categories: [], byId: new Map() };

export function pricingOf({ currency, categories: listed }: Pick<HallLayout, 'currency' | 'categories'>): Pricing {
  const categories = listed.map((c, index) => ({
    id: c.id,
    name: c.name,
    colour: c.colour,
    price: c.price,
    priceText: c.price === null ? null : formatMoney(c.price, currency),
    pattern: index % PATTERN_COUNT,
    prices: c.prices,
  }));
  return { currency, categories, byId: new Map(categories.map((c) => [c.id, c])) };
}

/** Whether this show sells the seat's category (a seat of an unknown category is not sold either). */
export function isForSale(seat: Seat, pricing: Pricing): boolean {
  return (pricing.byId.get(seat.category)?.price ?? null) !== null;
}

/** A seat that can be picked now: free, and of a category this show sells. */
export function isSelectable(seat: Seat, pricing: Pricing): boolean {
  return seat.status === 'available' && isForSale(seat, pricing);
}

/** The seats' listed prices summed exactly, formatted; null when there are none or one has no price. */
export function totalText(seats: readonly Seat[], pricing: Pricing): string | null {
  const prices: string[] = [];
  for (const seat of seats) {
    const price = pricing.byId.get(seat.category)?.price ?? null;
    if (price === null) return null;
    prices.push(price);
  }
  return prices.length ? formatMoney(sumAmounts(prices), pricing.currency) : null;
}

/**
 * The ticket type a seat of the category gets unless another is chosen: the one sold at the listed
 * price (what the map and the running total show), else the first; null when not for sale.
 */
export function defaultTicketType(category: Pick<PricedCategory, 'price' | 'prices'> | undefined): TicketPrice | null {
  if (!category || category.price === null) return null;
  const price = category.price;
  return category.prices.find((p) => amountsEqual(p.amount, price)) ?? category.prices[0] ?? null;
}
