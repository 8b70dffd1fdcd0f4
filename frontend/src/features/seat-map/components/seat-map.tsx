import { useCallback, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { Seat } from '@/types/api';
import { compareRows } from '@/lib/format';
import { isForSale, isSelectable, type Pricing } from '../utils/pricing';
import { SeatButton, type SeatView } from './seat-button';

export function seatView(seat: Seat, selected: ReadonlySet<number>, forSale = true): SeatView {
  if (seat.status === 'booked') return seat.booked_by_me ? 'booked-by-me' : 'booked';
  if (seat.status === 'held') return seat.held_by_me ? 'held-by-me' : 'held';
  if (!forSale) return 'not-for-sale';
  return selected.has(seat.id) ? 'selected' : 'available';
}

/** For a seat whose category the layout does not list (it is then not for sale either). */
const UNKNOWN_COLOUR = '#9ca3af';

interface Row {
  label: string;
  seats: Seat[];
}

function groupRows(seats: Seat[]): { rows: Row[]; minNumber: number; maxNumber: number } {
  const byRow = new Map<string, Seat[]>();
  let minNumber = Infinity;
  let maxNumber = -Infinity;
  for (const seat of seats) {
    let list = byRow.get(seat.row);
    if (!list) byRow.set(seat.row, (list = []));
    list.push(seat);
    if (seat.number < minNumber) minNumber = seat.number;
    if (seat.number > maxNumber) maxNumber = seat.number;
  }
  const rows = [...byRow.entries()]
    .sort(([a], [b]) => compareRows(a, b))
    .map(([label, list]) => ({ label, seats: list.sort((a, b) => a.number - b.number) }));
  if (!rows.length) return { rows, minNumber: 1, maxNumber: 1 };
  return { rows, minNumber, maxNumber };
}

export interface SeatMapProps {
  seats: Seat[];
  /** Each seat's category: its colour, pattern, name and price. */
  pricing: Pricing;
  selected: ReadonlySet<number>;
  /** Must be stable (useCallback) to keep seat buttons memoized. */
  onToggle: (seatId: number) => void;
}

function seatsIn(rowEl: Element | null): HTMLElement[] {
  return rowEl ? Array.from(rowEl.querySelectorAll<HTMLElement>('[data-seat-id]')) : [];
}

/**
 * The hall: a screen marker, then one row of seat buttons per hall row.
 * Keyboard: one seat is in the tab order (roving tabindex); arrow keys move
 * between seats, Home/End jump to the row ends, Enter/Space select.
 */
export function SeatMap({ seats, pricing, selected, onToggle }: SeatMapProps) {
  const { rows, minNumber, maxNumber } = useMemo(() => groupRows(seats), [seats]);
  const [activeId, setActiveId] = useState<number | null>(null);

  const focusId = useMemo(() => {
    if (activeId !== null && seats.some((s) => s.id === activeId)) return activeId;
    return (seats.find((s) => isSelectable(s, pricing)) ?? seats[0])?.id ?? null;
  }, [activeId, seats, pricing]);

  const onFocusSeat = useCallback((id: number) => setActiveId(id), []);

  const onKeyDown = useCallback((event: KeyboardEvent<HTMLDivElement>) => {
    const target = event.target as HTMLElement;
    if (!target.dataset.seatId) return;
    const rowEl = target.closest('[data-seat-row]');
    const inRow = seatsIn(rowEl);
    const index = inRow.indexOf(target);
    let next: HTMLElement | undefined;
    switch (event.key) {
      case 'ArrowLeft':
        next = inRow[index - 1];
        break;
      case 'ArrowRight':
        next = inRow[index + 1];
        break;
      case 'Home':
        next = inRow[0];
        break;
      case 'End':
        next = inRow[inRow.length - 1];
        break;
      case 'ArrowUp':
      case 'ArrowDown': {
        let sibling = event.key === 'ArrowUp' ? rowEl?.previousElementSibling : rowEl?.nextElementSibling;
        while (sibling && !sibling.hasAttribute('data-seat-row')) {
          sibling = event.key === 'ArrowUp' ? sibling.previousElementSibling : sibling.nextElementSibling;
        }
        const number = Number(target.dataset.number);
        let best = Infinity;
        for (const candidate of seatsIn(sibling ?? null)) {
          const distance = Math.abs(Number(candidate.dataset.number) - number);
          if (distance < best) {
            best = distance;
            next = candidate;
          }
        }
        break;
      }
      default:
        return;
    }
    event.preventDefault();
    next?.focus();
  }, []);

  // On narrow screens start with the middle of the hall in view.
  const scrollRef = useRef<HTMLDivElement>(null);
  const centered = useRef(false);
  const hasSeats = seats.length > 0;
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el || !hasSeats || centered.current) return;
    centered.current = true;
    if (el.scrollWidth > el.clientWidth) el.scrollLeft = (el.scrollWidth - el.clientWidth) / 2;
  }, [hasSeats]);

  const columns = maxNumber - minNumber + 1;
  return (
    <div className="seat-map-scroll" data-testid="hall-scroll" ref={scrollRef}>
      <div
        className="seat-map"
        role="group"
        aria-label="Seat map"
        aria-describedby="seat-map-help"
        style={{ ['--seat-columns' as string]: columns }}
        onKeyDown={onKeyDown}
      >
        <div className="screen" aria-hidden="true">
          Screen
        </div>
        <p id="seat-map-help" className="sr-only">
          The screen is at the front. Use the arrow keys to move between seats and Enter or Space to select.
        </p>
        {rows.map((row) => (
          <div key={row.label} className="seat-row" role="group" aria-label={`Row ${row.label}`} data-seat-row={row.label}>
            <span className="row-label row-label--start" aria-hidden="true" style={{ gridColumnStart: 1 }}>
              {row.label}
            </span>
            {row.seats.map((seat) => {
              const category = pricing.byId.get(seat.category);
              return (
                <SeatButton
                  key={seat.id}
                  id={seat.id}
                  row={seat.row}
                  number={seat.number}
                  column={seat.number - minNumber + 2}
                  view={seatView(seat, selected, isForSale(seat, pricing))}
                  category={category?.name ?? ''}
                  colour={category?.colour ?? UNKNOWN_COLOUR}
                  pattern={category?.pattern ?? 0}
                  price={category?.priceText ?? null}
                  tabbable={seat.id === focusId}
                  onToggle={onToggle}
                  onFocusSeat={onFocusSeat}
                />
              );
            })}
            <span className="row-label row-label--end" aria-hidden="true" style={{ gridColumnStart: columns + 2 }}>
              {row.label}
            </span>
          </div>
        ))}
      </div>
    </div>
  );
}
