import { render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { formatMoney } from '@/lib/money';
import { category } from '@/testing/test-utils';
import { pricingOf } from '../utils/pricing';
import { PriceLegend } from './price-legend';

describe('PriceLegend', () => {
  it('lists each category in display order with its swatch and listed price, marking those not on sale', () => {
    const pricing = pricingOf({
      currency: 'EUR',
      categories: [category(1, 'Standard', '8.50'), category(2, 'Premium', '12.50', '#aa3377'), category(3, 'VIP', null, '#228833')],
    });
    render(<PriceLegend pricing={pricing} />);
    const legend = screen.getByRole('list', { name: 'Seat prices' });
    const items = within(legend).getAllByRole('listitem');
    expect(items.map((li) => li.textContent)).toEqual([
      `Standard · ${formatMoney('8.50', 'EUR')}`,
      `Premium · ${formatMoney('12.50', 'EUR')}`,
      'VIP · not on sale',
    ]);
    // The same colour and pattern as the category's seats.
    const swatch = items[1]!.querySelector('.cat-swatch') as HTMLElement;
    expect(swatch).toHaveClass('cat-pattern-1');
    expect(swatch.style.getPropertyValue('--cat')).toBe('#aa3377');
    expect(swatch).toHaveAttribute('aria-hidden', 'true');
    expect(items[2]).toHaveClass('price-legend__item--unsold');
    expect(items[0]).not.toHaveClass('price-legend__item--unsold');
  });

  it('formats prices in the show currency', () => {
    render(<PriceLegend pricing={pricingOf({ currency: 'JPY', categories: [category(1, 'Standard', '1500')] })} />);
    expect(screen.getByTestId('price-category-1')).toHaveTextContent(`Standard · ${formatMoney('1500', 'JPY')}`);
  });

  it('renders nothing without categories', () => {
    const { container } = render(<PriceLegend pricing={pricingOf({ currency: 'EUR', categories: [] })} />);
    expect(container).toBeEmptyDOMElement();
  });
});
