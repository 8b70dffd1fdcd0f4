import { compareRows, listSeats } from '@/lib/format';
import type { Seat } from '@/types/api';

export interface PlanRow {
  label: string;
  /** Left to right, as they stand (by column). */
  seats: Seat[];
}

export interface HallPlan {
  rows: PlanRow[];
  /** The leftmost column any seat stands in. */
  firstColumn: number;
  /** Columns from the leftmost seat to the rightmost, aisles and offsets included. */
  columns: number;
}

/**
 * The hall as drawn: rows front to back, each seat in its own column of one grid shared by all rows,
 * so aisles, offsets and shorter rows show as empty places rather than being closed up.
 */
export function hallPlan(seats: readonly Seat[]): HallPlan {
  const byRow = new Map<string, Seat[]>();
  let first = Infinity;
  let last = -Infinity;
  for (const seat of seats) {
    let list = byRow.get(seat.row);
    if (!list) byRow.set(seat.row, (list = []));
    list.push(seat);
    first = Math.min(first, seat.column);
    last = Math.max(last, seat.column);
  }
  if (!byRow.size) return { rows: [], firstColumn: 1, columns: 1 };
  const rows = [...byRow.entries()]
    .sort(([a], [b]) => compareRows(a, b))
    .map(([label, list]) => ({ label, seats: list.sort((a, b) => a.column - b.column) }));
  return { rows, firstColumn: first, columns: last - first + 1 };
}

/** The seat's grid column: the row label takes the first. */
export function gridColumnOf(seat: Pick<Seat, 'column'>, plan: Pick<HallPlan, 'firstColumn'>): number {
  return seat.column - plan.firstColumn + 2;
}

/**
 * Seats as a person reads them on the tickets: "F7–F10", "F7–F8 and G7–G8", "F3 and F5"
 * (runs of consecutive numbers in a row are one range).
 */
export function blockLabel(seats: readonly Pick<Seat, 'row' | 'number'>[]): string {
  const byRow = new Map<string, number[]>();
  for (const { row, number } of seats) byRow.set(row, [...(byRow.get(row) ?? []), number]);
  const parts: string[] = [];
  for (const row of [...byRow.keys()].sort(compareRows)) {
    const numbers = [...new Set(byRow.get(row))].sort((a, b) => a - b);
    let start = 0;
    for (let i = 1; i <= numbers.length; i++) {
      if (i < numbers.length && numbers[i] === numbers[i - 1]! + 1) continue;
      const [from, to] = [numbers[start]!, numbers[i - 1]!];
      parts.push(from === to ? `${row}${from}` : `${row}${from}–${row}${to}`);
      start = i;
    }
  }
  return listSeats(parts);
}

/** Whether the hall has wheelchair spaces or companion seats (the legend explains them only then). */
export function seatKindsIn(seats: readonly Seat[]): { wheelchair: boolean; companion: boolean } {
  return { wheelchair: seats.some((s) => s.kind === 'wheelchair'), companion: seats.some((s) => s.kind === 'companion') };
}
