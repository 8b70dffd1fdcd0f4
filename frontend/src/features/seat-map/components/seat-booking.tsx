import { useMemo, useState } from 'react';
import { useHallLayout } from '../api/get-hall-layout';
import { useCheckout } from '../hooks/use-checkout';
import { useDockSpace } from '../hooks/use-dock-space';
import { useHallSeats } from '../hooks/use-hall-seats';
import { useSeatActions } from '../hooks/use-seat-actions';
import { useSeatSelection } from '../hooks/use-seat-selection';
import type { Notice } from '../utils/notice';
import { seatKindsIn } from '../utils/plan';
import { NO_PRICING, pricingOf } from '../utils/pricing';
import { ActionBar } from './action-bar';
import { BestAvailable } from './best-available';
import { CheckoutPanel } from './checkout-panel';
import { LayoutLoadError, PollError } from './layout-errors';
import { Legend } from './legend';
import { NoticeView } from './notice-view';
import { OrderConfirmation } from './order-confirmation';
import { PriceLegend } from './price-legend';
import { SeatMap } from './seat-map';
import { ShowHeader } from './show-header';

/** The seat map page of one show: pick seats, hold them, check out and pay, or let go. */
export function SeatBooking({ showId }: { showId: number }) {
  const layoutQuery = useHallLayout(showId);
  const layout = layoutQuery.data;
  const max = layout?.max_seats_per_hold ?? 0;
  const [notice, setNotice] = useState<Notice | null>(null);
  const currency = layout?.currency;
  const categories = layout?.categories;
  // Keyed on the categories, not the whole layout, so seat changes keep the same pricing.
  const pricing = useMemo(
    () => (currency && categories ? pricingOf({ currency, categories }) : NO_PRICING),
    [currency, categories],
  );
  const hall = useHallSeats(layout?.seats);
  const selection = useSeatSelection({ ...hall, showId, seats: layout?.seats, pricing, heldCount: hall.heldByMe.length, max, setNotice });
  const actions = useSeatActions({ ...hall, showId, max, selection, setNotice });
  const checkout = useCheckout({ showId, max, labelsFor: hall.labelsFor, holdActive: actions.holdActive, setNotice });
  const seats = layout?.seats;
  const kinds = useMemo(() => seatKindsIn(seats ?? []), [seats]);
  const sold = useMemo(() => pricing.categories.filter((c) => c.price !== null), [pricing]);
  const dockRef = useDockSpace();

  if (layoutQuery.isPending) {
    return (
      <p className="loading" role="status">
        Loading seat map…
      </p>
    );
  }
  if (!layout) return <LayoutLoadError error={layoutQuery.error} onRetry={() => void layoutQuery.refetch()} />;

  return (
    <section className="seat-booking" aria-labelledby="show-title">
      <ShowHeader layout={layout} />

      {layoutQuery.isRefetchError ? <PollError error={layoutQuery.error} onRetry={() => void layoutQuery.refetch()} /> : null}

      {checkout.confirmation ? (
        <OrderConfirmation
          order={checkout.confirmation}
          onDone={() => {
            checkout.dismissConfirmation();
            setNotice(null);
          }}
        />
      ) : null}

      {checkout.open ? (
        <>
          <NoticeView notice={notice} signIn={actions.signIn} onDismiss={() => setNotice(null)} pending={actions.pending} />
          <CheckoutPanel
            checkout={checkout}
            seats={hall.heldByMe}
            heldUntil={hall.heldUntil}
            pricing={pricing}
            boxOfficeAllowed={layout.box_office_payment}
            // While the bank has yet to answer, the order's outcome says what became of the seats.
            onExpire={checkout.waiting ? () => {} : actions.onExpire}
          />
        </>
      ) : (
        <>
          <div className="card seat-map-card">
            <BestAvailable
              max={max - hall.heldByMe.length}
              categories={sold}
              wheelchair={kinds.wheelchair}
              pending={actions.pending}
              onHold={actions.holdBest}
            />
            <SeatMap seats={layout.seats} pricing={pricing} selected={selection.selected} onToggle={selection.toggle} />
            <Legend yours={hall.bookedByMe} notForSale={pricing.categories.some((c) => c.price === null)} {...kinds} />
          </div>

          {/* Sticks to the bottom of the screen: prices, the total and every message about the seats stay
              in view however long the hall, and a message appearing never moves the map under the pointer. */}
          <div className="seat-dock" ref={dockRef} data-testid="seat-dock">
            <NoticeView notice={notice} signIn={actions.signIn} onDismiss={() => setNotice(null)} pending={actions.pending} />
            <PriceLegend pricing={pricing} />
            <ActionBar
              actions={actions}
              heldByMe={hall.heldByMe}
              heldUntil={hall.heldUntil}
              selectedSeats={selection.selectedSeats}
              pricing={pricing}
              max={max}
              onClear={selection.clear}
              onCheckout={checkout.start}
              focusCheckout={checkout.returned}
              focusKey={actions.heldCount}
            />
          </div>
        </>
      )}
    </section>
  );
}
