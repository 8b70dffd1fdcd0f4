import { useEffect, useRef } from 'react';
import { seatLabel } from '@/lib/format';
import type { Seat } from '@/types/api';
import type { SeatActions } from '../hooks/use-seat-actions';
import type { Pricing } from '../utils/pricing';
import { Countdown } from './countdown';
import { SelectionTotal } from './selection-total';

export interface ActionBarProps {
  actions: SeatActions;
  heldByMe: Seat[];
  heldUntil: string | null;
  selectedSeats: Seat[];
  pricing: Pricing;
  max: number;
  onClear: () => void;
  /** Go to the checkout of the held seats. */
  onCheckout: () => void;
  /** Back from the checkout: its button takes the focus again. */
  focusCheckout?: boolean;
  /** Changes on each successful hold: the bar takes the focus (what was held, and Checkout, are here). */
  focusKey?: number;
}

/**
 * The bar under the map: pick and hold seats, then check out or cancel the hold.
 * Both modes stay in this one component, as fragments in the same places, so
 * React keeps the same button elements (and the keyboard focus) across modes.
 */
export function ActionBar({ actions, heldByMe, heldUntil, selectedSeats, pricing, max, onClear, onCheckout, focusCheckout, focusKey = 0 }: ActionBarProps) {
  const { pending } = actions;
  const infoRef = useRef<HTMLDivElement>(null);
  // Only when the key changes while the bar is shown: not on page load, nor when coming back from the
  // checkout (its button takes the focus then).
  const focusedKey = useRef(focusKey);
  useEffect(() => {
    if (focusedKey.current === focusKey) return;
    focusedKey.current = focusKey;
    infoRef.current?.focus({ preventScroll: true });
  }, [focusKey]);
  const holdSelected = () => actions.hold(selectedSeats.map((s) => s.id));
  const heldLabels = heldByMe.map(seatLabel);
  const selectedLabels = selectedSeats.map(seatLabel);

  return (
    <div className="action-bar">
      {actions.holdActive && heldUntil !== null ? (
        <>
          <div className="action-bar__info" ref={infoRef} tabIndex={-1} data-testid="action-bar-info">
            <p>
              <strong>
                {heldLabels.length} seat{heldLabels.length === 1 ? '' : 's'} held:
              </strong>{' '}
              <span data-testid="held-seats">{heldLabels.join(', ')}</span>
            </p>
            <SelectionTotal seats={heldByMe} pricing={pricing} held />
            <Countdown key={heldUntil} heldUntil={heldUntil} onExpire={actions.onExpire} />
          </div>
          <div className="action-bar__buttons">
            {selectedSeats.length ? (
              <button type="button" className="btn" data-testid="hold-button" disabled={pending} onClick={holdSelected}>
                Hold {selectedSeats.length} more
              </button>
            ) : null}
            <button type="button" className="btn btn-ghost" data-testid="cancel-button" disabled={pending} onClick={actions.cancel}>
              {actions.isReleasing ? 'Releasing…' : 'Cancel'}
            </button>
            <button
              type="button"
              className="btn btn-primary"
              data-testid="checkout-button"
              disabled={pending}
              onClick={onCheckout}
              // Only when coming back from the checkout (a deliberate step), never on page load.
              autoFocus={focusCheckout}
            >
              Checkout
            </button>
          </div>
        </>
      ) : (
        <>
          <div className="action-bar__info" ref={infoRef} tabIndex={-1} data-testid="action-bar-info">
            {selectedLabels.length ? (
              <p>
                <strong>
                  {selectedLabels.length} of {max} selected:
                </strong>{' '}
                <span data-testid="selected-seats">{selectedLabels.join(', ')}</span>
              </p>
            ) : (
              <p className="muted">Pick up to {max} seats, then hold them while you pay.</p>
            )}
            <SelectionTotal seats={selectedSeats} pricing={pricing} />
          </div>
          <div className="action-bar__buttons">
            {selectedLabels.length ? (
              <button type="button" className="btn btn-ghost" onClick={onClear} disabled={pending}>
                Clear
              </button>
            ) : null}
            <button
              type="button"
              className="btn btn-primary"
              data-testid="hold-button"
              disabled={pending || !selectedSeats.length}
              onClick={holdSelected}
            >
              {actions.isHolding
                ? 'Holding…'
                : actions.signedOut
                  ? 'Sign in to hold'
                  : selectedSeats.length
                    ? `Hold ${selectedSeats.length} seat${selectedSeats.length === 1 ? '' : 's'}`
                    : 'Hold seats'}
            </button>
          </div>
        </>
      )}
    </div>
  );
}
