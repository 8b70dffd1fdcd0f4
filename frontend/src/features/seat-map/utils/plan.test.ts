import { describe, expect, it } from 'vitest';
import { seat } from '@/testing/test-utils';
import { blockLabel, gridColumnOf, hallPlan, seatKindsIn } from './plan';

describe('hallPlan', () => {
  it('places seats by row and plan column, keeping aisles and offsets as empty columns', () => {
    // Row A: 1-2 | aisle | 3-4; row B offset one place right and longer; rows in display order.
    const seats = [
      seat(5, 'B', 3, { column: 4 }),
      seat(1, 'A', 1, { column: 2 }),
      seat(3, 'A', 3, { column: 5 }),
      seat(2, 'A', 2, { column: 3 }),
      seat(4, 'A', 4, { column: 6 }),
      seat(6, 'AA', 1, { column: 9 }),
    ];
    const plan = hallPlan(seats);
    expect(plan.rows.map((r) => [r.label, r.seats.map((s) => s.id)])).toEqual([
      ['A', [1, 2, 3, 4]],
      ['B', [5]],
      ['AA', [6]],
    ]);
    expect(plan.firstColumn).toBe(2);
    expect(plan.columns).toBe(8);
    // Grid column 1 is the row label: the leftmost seat stands in 2, the aisle after A2 stays empty.
    expect(seats.map((s) => [s.id, gridColumnOf(s, plan)])).toEqual([
      [5, 4],
      [1, 2],
      [3, 5],
      [2, 3],
      [4, 6],
      [6, 9],
    ]);
  });

  it('copes with an empty hall', () => {
    expect(hallPlan([])).toEqual({ rows: [], firstColumn: 1, columns: 1 });
  });
});

describe('blockLabel', () => {
  it('writes runs of consecutive seats as ranges, row by row', () => {
    expect(blockLabel([seat(1, 'F', 9), seat(2, 'F', 7), seat(3, 'F', 10), seat(4, 'F', 8)])).toBe('F7–F10');
    expect(blockLabel([seat(1, 'G', 7), seat(2, 'F', 7), seat(3, 'F', 8), seat(4, 'G', 8)])).toBe('F7–F8 and G7–G8');
    expect(blockLabel([seat(1, 'C', 3), seat(2, 'C', 5)])).toBe('C3 and C5');
    expect(blockLabel([seat(1, 'C', 3)])).toBe('C3');
  });
});

describe('seatKindsIn', () => {
  it('says which special seats the hall has', () => {
    expect(seatKindsIn([seat(1, 'A', 1), seat(2, 'A', 2, { kind: 'wheelchair' })])).toEqual({ wheelchair: true, companion: false });
  });
});
