import type { Pricing } from '../utils/pricing';

/** A category's colour and pattern, as its seats show them (styles/index.css, .cat-pattern-N). */
export function CategorySwatch({ colour, pattern }: { colour: string; pattern: number }) {
  return <span className={`cat-swatch cat-pattern-${pattern}`} style={{ ['--cat' as string]: colour }} aria-hidden="true" />;
}

/** Each seat category with its listed price ("Premium · €12.50"), or "not on sale" for this show. */
export function PriceLegend({ pricing }: { pricing: Pricing }) {
  if (!pricing.categories.length) return null;
  return (
    <ul className="price-legend" aria-label="Seat prices" data-testid="price-legend">
      {pricing.categories.map((c) => (
        <li
          key={c.id}
          className={`price-legend__item${c.priceText === null ? ' price-legend__item--unsold' : ''}`}
          data-testid={`price-category-${c.id}`}
        >
          <CategorySwatch colour={c.colour} pattern={c.pattern} />
          <span>
            {c.name} · {c.priceText ?? <em>not on sale</em>}
          </span>
        </li>
      ))}
    </ul>
  );
}
