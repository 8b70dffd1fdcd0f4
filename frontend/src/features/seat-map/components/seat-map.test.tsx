import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { formatMoney } from '@/lib/money';
import { category, seat } from '@/testing/test-utils';
import { pricingOf } from '../utils/pricing';
import { SeatMap, type SeatMapProps } from './seat-map';

const seats = [
  seat(1, 'A', 1),
  seat(2, 'A', 2),
  seat(3, 'A', 3, { status: 'held', held_by_me: true, held_until: '2030-01-01T12:10:00Z' }),
  seat(4, 'B', 1, { status: 'held' }),
  seat(5, 'B', 2, { status: 'booked' }),
  seat(6, 'B', 4),
  seat(7, 'C', 1, { status: 'booked', booked_by_me: true }),
];
const pricing = pricingOf({ currency: 'EUR', categories: [category(1, 'Standard', '10.00')] });
const eur = (amount: string) => formatMoney(amount, 'EUR');

function renderMap(props: Partial<SeatMapProps> = {}) {
  return render(<SeatMap seats={seats} pricing={pricing} selected={new Set()} onToggle={() => {}} {...props} />);
}

describe('SeatMap', () => {
  it('renders every status with the right label, data-status and aria-pressed', () => {
    renderMap({ selected: new Set([2]) });

    const price = eur('10.00');
    const expectations: [number, string, string, boolean][] = [
      [1, `Row A, seat 1, Standard, ${price}, available`, 'available', false],
      [2, `Row A, seat 2, Standard, ${price}, selected`, 'available', true],
      [3, `Row A, seat 3, Standard, ${price}, held by you`, 'held-by-me', false],
      [4, `Row B, seat 1, Standard, ${price}, held`, 'held', false],
      [5, `Row B, seat 2, Standard, ${price}, booked`, 'booked', false],
      [7, `Row C, seat 1, Standard, ${price}, your seat`, 'booked-by-me', false],
    ];
    for (const [id, label, status, pressed] of expectations) {
      const button = screen.getByTestId(`seat-${id}`);
      expect(button.tagName).toBe('BUTTON');
      expect(button).toHaveAccessibleName(label);
      expect(button).toHaveAttribute('data-status', status);
      expect(button).toHaveAttribute('aria-pressed', String(pressed));
      expect(screen.getByRole('button', { name: label })).toBe(button);
    }
    expect(screen.getByTestId('seat-4')).toHaveAttribute('aria-disabled', 'true');
    expect(screen.getByTestId('seat-5')).toHaveAttribute('aria-disabled', 'true');
    expect(screen.getByTestId('seat-7')).toHaveAttribute('aria-disabled', 'true');
    expect(screen.getByTestId('seat-1')).not.toHaveAttribute('aria-disabled');
  });

  it('groups seats into labelled rows with a screen marker', () => {
    renderMap();
    expect(screen.getByRole('group', { name: 'Row A' })).toBeInTheDocument();
    expect(screen.getByRole('group', { name: 'Row B' })).toBeInTheDocument();
    expect(screen.getByText('Screen')).toBeInTheDocument();
  });

  it('only toggles selectable seats', () => {
    const onToggle = vi.fn();
    renderMap({ onToggle });
    fireEvent.click(screen.getByTestId('seat-5'));
    fireEvent.click(screen.getByTestId('seat-4'));
    fireEvent.click(screen.getByTestId('seat-3'));
    fireEvent.click(screen.getByTestId('seat-7'));
    expect(onToggle).not.toHaveBeenCalled();
    fireEvent.click(screen.getByTestId('seat-1'));
    expect(onToggle).toHaveBeenCalledWith(1);
  });

  it('uses a roving tabindex with arrow-key navigation', () => {
    renderMap();
    const a1 = screen.getByTestId('seat-1');
    expect(a1).toHaveAttribute('tabindex', '0');
    expect(screen.getByTestId('seat-2')).toHaveAttribute('tabindex', '-1');
    a1.focus();
    fireEvent.keyDown(a1, { key: 'ArrowRight' });
    expect(screen.getByTestId('seat-2')).toHaveFocus();
    expect(screen.getByTestId('seat-2')).toHaveAttribute('tabindex', '0');
    fireEvent.keyDown(screen.getByTestId('seat-2'), { key: 'ArrowDown' });
    expect(screen.getByTestId('seat-5')).toHaveFocus();
    fireEvent.keyDown(screen.getByTestId('seat-5'), { key: 'End' });
    expect(screen.getByTestId('seat-6')).toHaveFocus();
  });

  it("shows each seat's category by colour and pattern, in display order, and names it", () => {
    const twoCategories = pricingOf({
      currency: 'EUR',
      categories: [category(1, 'Standard', '10.00', '#3b82f6'), category(2, 'Premium', '12.50', '#aa3377')],
    });
    renderMap({ seats: [seat(1, 'A', 1), seat(2, 'A', 2, { category: 2 })], pricing: twoCategories });
    const band = (id: number) => screen.getByTestId(`seat-${id}`).querySelector('.seat__cat');
    expect(band(1)).toHaveClass('cat-pattern-0');
    expect(band(2)).toHaveClass('cat-pattern-1');
    expect(screen.getByTestId('seat-2').style.getPropertyValue('--cat')).toBe('#aa3377');
    expect(screen.getByTestId('seat-2')).toHaveAccessibleName(`Row A, seat 2, Premium, ${eur('12.50')}, available`);
  });

  it('shows seats of a category the show does not sell as not for sale, and never toggles them', () => {
    const vipNotSold = pricingOf({
      currency: 'EUR',
      categories: [category(1, 'Standard', '10.00'), category(2, 'VIP', null, '#aa3377')],
    });
    const onToggle = vi.fn();
    renderMap({
      seats: [seat(1, 'A', 1, { category: 2 }), seat(2, 'A', 2), seat(3, 'A', 3, { category: 2, status: 'booked' })],
      pricing: vipNotSold,
      onToggle,
    });
    const vip = screen.getByTestId('seat-1');
    expect(vip).toHaveAccessibleName('Row A, seat 1, VIP, not for sale');
    expect(vip).toHaveAttribute('data-status', 'not-for-sale');
    expect(vip).toHaveAttribute('aria-disabled', 'true');
    expect(vip).toHaveClass('seat--not-for-sale');
    // Sold or held seats keep their state, whatever their category.
    expect(screen.getByTestId('seat-3')).toHaveAccessibleName('Row A, seat 3, VIP, booked');
    // The roving tab stop starts on the first seat that can be picked.
    expect(screen.getByTestId('seat-2')).toHaveAttribute('tabindex', '0');
    fireEvent.click(vip);
    expect(onToggle).not.toHaveBeenCalled();
    fireEvent.click(screen.getByTestId('seat-2'));
    expect(onToggle).toHaveBeenCalledWith(2);
  });
});

describe('SeatMap: the hall plan', () => {
  // Row A: a wheelchair space and its companion seat | aisle | A3-A4; row B: B1-B2 | aisle | B3, offset.
  const planned = [
    seat(1, 'A', 1, { column: 1, segment: 1, kind: 'wheelchair' }),
    seat(2, 'A', 2, { column: 2, segment: 1, kind: 'companion' }),
    seat(3, 'A', 3, { column: 4, segment: 2 }),
    seat(4, 'A', 4, { column: 5, segment: 2 }),
    seat(5, 'B', 1, { column: 2, segment: 1 }),
    seat(6, 'B', 2, { column: 3, segment: 1 }),
    seat(7, 'B', 3, { column: 6, segment: 2 }),
  ];
  const gridColumn = (id: number) => screen.getByTestId(`seat-${id}`).style.gridColumnStart;

  it('puts each seat in its plan column: aisles and offsets stay empty', () => {
    renderMap({ seats: planned });
    expect([1, 2, 3, 4].map(gridColumn)).toEqual(['2', '3', '5', '6']); // column 4 (grid 4) is the aisle
    expect([5, 6, 7].map(gridColumn)).toEqual(['3', '4', '7']);
    // The printed number stays what it is, wherever the seat stands.
    expect(screen.getByTestId('seat-7')).toHaveTextContent('3');
    const rowB = screen.getByRole('group', { name: 'Row B' });
    expect(rowB.querySelector('.row-label--end')).toHaveStyle({ gridColumnStart: '8' });
  });

  it('names wheelchair spaces and companion seats, with an icon in place of the number', () => {
    renderMap({ seats: planned });
    const price = eur('10.00');
    const space = screen.getByTestId('seat-1');
    expect(space).toHaveAccessibleName(`Row A, seat 1, Wheelchair space, Standard, ${price}, available`);
    expect(space).toHaveAttribute('title', 'Wheelchair space');
    expect(space.querySelector('svg[data-kind="wheelchair"]')).not.toBeNull();
    expect(screen.getByTestId('seat-2')).toHaveAccessibleName(`Row A, seat 2, Companion seat, Standard, ${price}, available`);
    expect(screen.getByTestId('seat-3')).not.toHaveAttribute('title');
  });

  it('moves up and down to the seat standing closest, across offsets', () => {
    renderMap({ seats: planned });
    screen.getByTestId('seat-7').focus();
    fireEvent.keyDown(screen.getByTestId('seat-7'), { key: 'ArrowUp' });
    // B3 stands in column 6: A4 (column 5) is closest, though A3 has the same number.
    expect(screen.getByTestId('seat-4')).toHaveFocus();
    fireEvent.keyDown(screen.getByTestId('seat-4'), { key: 'ArrowLeft' });
    expect(screen.getByTestId('seat-3')).toHaveFocus();
  });

  it('needs no zoom when the hall fits', () => {
    renderMap({ seats: planned });
    expect(screen.queryByTestId('hall-zoom')).not.toBeInTheDocument();
    expect(screen.getByTestId('hall-scroll')).toHaveAttribute('data-zoom', '1');
  });
});
