import { useCallback, useLayoutEffect, useMemo, useRef, useState, type CSSProperties } from 'react';
import type { Seat } from '@/types/api';
import { useHallZoom } from '../hooks/use-hall-zoom';
import { useSeatKeys } from '../hooks/use-seat-keys';
import { gridColumnOf, hallPlan } from '../utils/plan';
import { isForSale, isSelectable, type Pricing } from '../utils/pricing';
import { SeatButton, type SeatView } from './seat-button';
import { ZoomControls } from './zoom-controls';

export function seatView(seat: Seat, selected: ReadonlySet<number>, forSale = true): SeatView {
  if (seat.status === 'booked') return seat.booked_by_me ? 'booked-by-me' : 'booked';
  if (seat.status === 'held') return seat.held_by_me ? 'held-by-me' : 'held';
  if (!forSale) return 'not-for-sale';
  return selected.has(seat.id) ? 'selected' : 'available';
}

/** For a seat whose category the layout does not list (it is then not for sale either). */
const UNKNOWN_COLOUR = '#9ca3af';

export interface SeatMapProps {
  seats: Seat[];
  /** Each seat's category: its colour, pattern, name and price. */
  pricing: Pricing;
  selected: ReadonlySet<number>;
  /** Must be stable (useCallback) to keep seat buttons memoized. */
  onToggle: (seatId: number) => void;
}

/**
 * The hall as planned: a screen marker, then one row of seat buttons per hall row, each seat in its
 * plan column (aisles and offsets stay empty), with zoom and sideways scrolling when it is wider than
 * the screen. Keyboard: one seat is in the tab order (roving tabindex); arrow keys move between seats,
 * Home/End jump to the row ends, Enter/Space select.
 */
export function SeatMap({ seats, pricing, selected, onToggle }: SeatMapProps) {
  const plan = useMemo(() => hallPlan(seats), [seats]);
  const [activeId, setActiveId] = useState<number | null>(null);
  const focusId = useMemo(() => {
    if (activeId !== null && seats.some((s) => s.id === activeId)) return activeId;
    return (seats.find((s) => isSelectable(s, pricing)) ?? seats[0])?.id ?? null;
  }, [activeId, seats, pricing]);
  const onFocusSeat = useCallback((id: number) => setActiveId(id), []);
  const onKeyDown = useSeatKeys();

  const scrollRef = useRef<HTMLDivElement>(null);
  const zoom = useHallZoom(scrollRef, plan.columns);

  // On narrow screens start with the middle of the hall in view.
  const centered = useRef(false);
  const hasSeats = seats.length > 0;
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el || !hasSeats || centered.current) return;
    centered.current = true;
    if (el.scrollWidth > el.clientWidth) el.scrollLeft = (el.scrollWidth - el.clientWidth) / 2;
  }, [hasSeats]);

  // Zoomed: the seat size for this map only (the stylesheet's own, per screen width, otherwise).
  const sized: Record<string, string> =
    zoom.seatPx === null ? {} : { '--seat-size': `${zoom.seatPx}px`, '--seat-gap': `${zoom.gapPx}px` };
  return (
    <>
      <ZoomControls zoom={zoom} />
      <div
        className={`seat-map-scroll${zoom.compact ? ' seat-map-scroll--compact' : ''}`}
        data-testid="hall-scroll"
        data-zoom={zoom.level}
        ref={scrollRef}
      >
        <div
          className="seat-map"
          role="group"
          aria-label="Seat map"
          aria-describedby="seat-map-help"
          style={{ ['--seat-columns' as string]: plan.columns, ...sized } as CSSProperties}
          onKeyDown={onKeyDown}
        >
          <div className="screen" aria-hidden="true">
            Screen
          </div>
          <p id="seat-map-help" className="sr-only">
            The screen is at the front. Use the arrow keys to move between seats and Enter or Space to select.
          </p>
          {plan.rows.map((row) => (
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
                    kind={seat.kind}
                    column={gridColumnOf(seat, plan)}
                    planColumn={seat.column}
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
              <span className="row-label row-label--end" aria-hidden="true" style={{ gridColumnStart: plan.columns + 2 }}>
                {row.label}
              </span>
            </div>
          ))}
        </div>
      </div>
    </>
  );
}
