import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { formatMoney } from '@/lib/money';
import { category, seat } from '@/testing/test-utils';
import { pricingOf } from '../utils/pricing';
import { SelectionTotal } from './selection-total';

const pricing = pricingOf({ currency: 'EUR', categories: [category(1, 'Standard', '0.10'), category(2, 'Premium', '0.20')] });

describe('SelectionTotal', () => {
  it('sums the listed prices exactly and names the count, in a labelled live region', () => {
    render(<SelectionTotal seats={[seat(1, 'A', 1), seat(2, 'A', 2, { category: 2 })]} pricing={pricing} />);
    const total = formatMoney('0.30', 'EUR');
    const output = screen.getByRole('status', { name: `Total for 2 seats: ${total}` });
    expect(output).toHaveTextContent(`Total ${total} for 2 seats`);
  });

  it('says "held" for held seats, and the singular for one', () => {
    render(<SelectionTotal seats={[seat(1, 'A', 1)]} pricing={pricing} held />);
    expect(screen.getByTestId('selection-total')).toHaveAccessibleName(`Total for 1 held seat: ${formatMoney('0.10', 'EUR')}`);
  });

  it('stays empty (but present, so later totals are announced) when nothing is picked', () => {
    render(<SelectionTotal seats={[]} pricing={pricing} />);
    expect(screen.getByTestId('selection-total')).toBeEmptyDOMElement();
  });
});
