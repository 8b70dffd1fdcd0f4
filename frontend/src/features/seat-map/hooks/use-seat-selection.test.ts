import { act, renderHook } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { Seat } from '@/types/api';
import { category, makeLayout } from '@/testing/test-utils';
import type { Notice } from '../utils/notice';
import { pricingOf, type Pricing } from '../utils/pricing';
import { useHallSeats } from './use-hall-seats';
import { NO_SEATS, useSeatSelection, without } from './use-seat-selection';

const STANDARD = pricingOf(makeLayout());
/** Standard (1) at €10.00, VIP (2) not for sale. */
const VIP_NOT_SOLD = pricingOf({ currency: 'EUR', categories: [category(1, 'Standard', '10.00'), category(2, 'VIP', null)] });
const VIP_SOLD = pricingOf({ currency: 'EUR', categories: [category(1, 'Standard', '10.00'), category(2, 'VIP', '15.00')] });

/** What a test re-renders with: a poll's seats, and the pricing when it changes. */
interface HookProps {
  seats: Seat[];
  pricing?: Pricing;
}

/** The selection hook fed the way SeatBooking feeds it; setNotice applies updaters to `notice`. */
function setup(initialSeats: Seat[] = makeLayout().seats, { max = 3, heldCount = 0, pricing = STANDARD } = {}) {
  let notice: Notice | null = null;
  const setNotice = vi.fn((next: Notice | null | ((n: Notice | null) => Notice | null)) => {
    notice = typeof next === 'function' ? next(notice) : next;
  });
  const hook = renderHook(
    ({ seats, pricing: sold = pricing }: HookProps) => {
      const hall = useHallSeats(seats);
      return useSeatSelection({ ...hall, showId: 1, seats, pricing: sold, heldCount, max, setNotice });
    },
    { initialProps: { seats: initialSeats } as HookProps },
  );
  return { ...hook, setNotice, notice: () => notice, setNoticeTo: (n: Notice | null) => (notice = n) };
}

const ids = (set: ReadonlySet<number>) => [...set].sort((a, b) => a - b);

describe('useSeatSelection', () => {
  it('toggles available seats and ignores held, booked and unknown ones', () => {
    const seats = makeLayout({}, { 2: { status: 'held' }, 3: { status: 'booked' } }).seats;
    const { result } = setup(seats);
    act(() => result.current.toggle(1));
    act(() => result.current.toggle(2));
    act(() => result.current.toggle(3));
    act(() => result.current.toggle(99));
    expect(ids(result.current.selected)).toEqual([1]);
    expect(result.current.selectedSeats.map((s) => s.id)).toEqual([1]);
    act(() => result.current.toggle(1));
    expect(result.current.selected.size).toBe(0);
  });

  it('ignores seats of a category the show does not sell', () => {
    const seats = makeLayout({}, { 1: { category: 2 } }).seats;
    const { result } = setup(seats, { pricing: VIP_NOT_SOLD });
    act(() => result.current.toggle(1));
    act(() => result.current.toggle(2));
    expect(ids(result.current.selected)).toEqual([2]);
    expect(result.current.selectedSeats.map((s) => s.id)).toEqual([2]);
  });

  it('drops selected seats whose category a poll shows is no longer sold, and says so', () => {
    const seats = makeLayout({}, { 1: { category: 2 }, 2: { category: 2 } }).seats;
    const { result, rerender, notice } = setup(seats, { pricing: VIP_SOLD });
    act(() => result.current.toggle(1));
    act(() => result.current.toggle(2));
    act(() => result.current.toggle(3));
    expect(ids(result.current.selected)).toEqual([1, 2, 3]);
    rerender({ seats, pricing: VIP_NOT_SOLD });
    expect(ids(result.current.selected)).toEqual([3]);
    expect(notice()).toEqual({
      kind: 'conflict',
      text: 'A1 and A2 are no longer on sale for this show and were removed from your selection.',
    });
  });

  it('keeps a stable toggle so memoized seats do not re-render', () => {
    const { result, rerender } = setup();
    const toggle = result.current.toggle;
    act(() => result.current.toggle(1));
    rerender({ seats: makeLayout().seats });
    expect(result.current.toggle).toBe(toggle);
  });

  it('stops at the limit, counting seats I already hold, and clears the limit notice on deselect', () => {
    const { result, notice } = setup(makeLayout().seats, { max: 3, heldCount: 1 });
    act(() => result.current.toggle(1));
    act(() => result.current.toggle(2));
    act(() => result.current.toggle(3));
    expect(ids(result.current.selected)).toEqual([1, 2]);
    expect(notice()).toEqual({ kind: 'limit', max: 3 });
    act(() => result.current.toggle(2));
    expect(notice()).toBeNull();
    act(() => result.current.toggle(3));
    expect(ids(result.current.selected)).toEqual([1, 3]);
  });

  it('a new pick clears limit, expired and info notices but keeps a conflict', () => {
    const { result, notice, setNoticeTo } = setup();
    for (const stale of [{ kind: 'expired' }, { kind: 'info', text: 'Released.' }, { kind: 'limit', max: 3 }] as Notice[]) {
      setNoticeTo(stale);
      act(() => result.current.toggle(5));
      expect(notice()).toBeNull();
      act(() => result.current.toggle(5));
    }
    const conflict: Notice = { kind: 'conflict', text: 'Taken.' };
    setNoticeTo(conflict);
    act(() => result.current.toggle(5));
    expect(notice()).toBe(conflict);
  });

  it('drops seats a poll shows taken, and names only those taken by others', () => {
    const { result, rerender, notice } = setup();
    act(() => result.current.toggle(1));
    act(() => result.current.toggle(2));
    act(() => result.current.toggle(3));
    rerender({ seats: makeLayout({}, { 2: { status: 'booked' }, 3: { status: 'held', held_by_me: true } }).seats });
    expect(ids(result.current.selected)).toEqual([1]);
    expect(notice()).toEqual({ kind: 'conflict', text: 'A2 was just taken by someone else and removed from your selection.' });
  });

  it('says nothing when a poll only shows my own new hold', () => {
    const { result, rerender, setNotice } = setup();
    act(() => result.current.toggle(4));
    setNotice.mockClear();
    rerender({ seats: makeLayout({}, { 4: { status: 'held', held_by_me: true } }).seats });
    expect(result.current.selected.size).toBe(0);
    expect(setNotice).not.toHaveBeenCalled();
  });

  it('drop, clear and current', () => {
    const { result } = setup();
    act(() => result.current.toggle(1));
    act(() => result.current.toggle(2));
    expect(ids(result.current.current())).toEqual([1, 2]);
    act(() => result.current.drop([2, 7]));
    expect(ids(result.current.selected)).toEqual([1]);
    act(() => result.current.clear());
    expect(result.current.selected).toBe(NO_SEATS);
    expect(result.current.current()).toBe(NO_SEATS);
  });
});

describe('without', () => {
  it('returns the same set when nothing is removed', () => {
    const set = new Set([1, 2]);
    expect(without(set, [3])).toBe(set);
    expect(ids(without(set, [2]))).toEqual([1]);
  });
});
