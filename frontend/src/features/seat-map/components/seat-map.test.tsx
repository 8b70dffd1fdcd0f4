import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { seat } from '@/testing/test-utils';
import { SeatMap } from './seat-map';

const seats = [
  seat(1, 'A', 1),
  seat(2, 'A', 2),
  seat(3, 'A', 3, { status: 'held', held_by_me: true, held_until: '2030-01-01T12:10:00Z' }),
  seat(4, 'B', 1, { status: 'held' }),
  seat(5, 'B', 2, { status: 'booked' }),
  seat(6, 'B', 4),
];

describe('SeatMap', () => {
  it('renders every status with the right label, data-status and aria-pressed', () => {
    render(<SeatMap seats={seats} selected={new Set([2])} onToggle={() => {}} />);

    const expectations: [number, string, string, boolean][] = [
      [1, 'Row A, seat 1, available', 'available', false],
      [2, 'Row A, seat 2, selected', 'available', true],
      [3, 'Row A, seat 3, held by you', 'held-by-me', false],
      [4, 'Row B, seat 1, held', 'held', false],
      [5, 'Row B, seat 2, booked', 'booked', false],
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
    expect(screen.getByTestId('seat-1')).not.toHaveAttribute('aria-disabled');
  });

  it('groups seats into labelled rows with a screen marker', () => {
    render(<SeatMap seats={seats} selected={new Set()} onToggle={() => {}} />);
    expect(screen.getByRole('group', { name: 'Row A' })).toBeInTheDocument();
    expect(screen.getByRole('group', { name: 'Row B' })).toBeInTheDocument();
    expect(screen.getByText('Screen')).toBeInTheDocument();
  });

  it('only toggles selectable seats', () => {
    const onToggle = vi.fn();
    render(<SeatMap seats={seats} selected={new Set()} onToggle={onToggle} />);
    fireEvent.click(screen.getByTestId('seat-5'));
    fireEvent.click(screen.getByTestId('seat-4'));
    fireEvent.click(screen.getByTestId('seat-3'));
    expect(onToggle).not.toHaveBeenCalled();
    fireEvent.click(screen.getByTestId('seat-1'));
    expect(onToggle).toHaveBeenCalledWith(1);
  });

  it('uses a roving tabindex with arrow-key navigation', () => {
    render(<SeatMap seats={seats} selected={new Set()} onToggle={() => {}} />);
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
});
