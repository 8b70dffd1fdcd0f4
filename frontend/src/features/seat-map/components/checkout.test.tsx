import { screen, waitFor, within } from '@testing-library/react';
import userEvent, { type UserEvent } from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { formatTime } from '@/lib/format';
import { formatMoney } from '@/lib/money';
import type { CreateOrderRequest, HallLayout, Order, OrderLine, PayRequest, Seat } from '@/types/api';
import { category, fakeBackend, json, makeLayout, makeOrder, renderWithProviders, type Handler } from '@/testing/test-utils';
import { resetHallLayoutCache } from '../api/get-hall-layout';
import { SeatBooking } from './seat-booking';

const NOW = new Date('2030-01-01T12:00:00Z');
const inSeconds = (s: number) => new Date(NOW.getTime() + s * 1000).toISOString();
const eur = (amount: string) => formatMoney(amount, 'EUR');
const HELD_UNTIL = inSeconds(300);
const mine = { status: 'held', held_by_me: true, held_until: HELD_UNTIL } as const;

// Standard (rows B, C): Adult 10.10 (listed), Child 7.20. Premium (row A): Adult 14.00 (listed), Reduced 11.30.
// Amounts a float sum gets wrong (10.10 + 7.20 + 14.00 ...).
const TICKET_TYPES: Record<number, string> = { 1: 'Adult', 2: 'Child', 3: 'Reduced' };
const PRICES: Record<string, string> = { '1:1': '10.10', '1:2': '7.20', '2:1': '14.00', '2:3': '11.30' };
const STANDARD = category(1, 'Standard', '10.10', '#3b82f6', [{ ticket_type_id: 2, ticket_type: 'Child', amount: '7.20' }]);
const PREMIUM = category(2, 'Premium', '14.00', '#a855f7', [{ ticket_type_id: 3, ticket_type: 'Reduced', amount: '11.30' }]);

/** I hold A1, A2 (Premium) and B1 (Standard). */
function heldLayout(overrides: Partial<HallLayout> = {}): HallLayout {
  const premium = { category: 2 };
  return makeLayout(
    { categories: [STANDARD, PREMIUM], ...overrides },
    { 1: { ...premium, ...mine }, 2: { ...premium, ...mine }, 3: premium, 4: premium, 5: mine },
  );
}

type PayHandler = (attempt: number, order: Order, body: PayRequest) => Response;

/** The fake backend with orders: ORD1, ORD2... in the order made; `polls` answer GET /api/orders/ORDn/ in turn. */
function orderBackend(
  layout: HallLayout,
  pay: PayHandler,
  polls: ((order: Order) => Response)[] = [],
  onCreate: () => void = () => {},
) {
  const orders: Order[] = [];
  let pays = 0;
  const lineFor = (seatId: number, ticketTypeId: number): OrderLine => {
    const seat = layout.seats.find((s) => s.id === seatId)!;
    const name = seat.category === 2 ? 'Premium' : 'Standard';
    const amount = PRICES[`${seat.category}:${ticketTypeId}`]!;
    return { seat_id: seatId, row: seat.row, number: seat.number, category: name, ticket_type_id: ticketTypeId, ticket_type: TICKET_TYPES[ticketTypeId]!, amount };
  };
  const handlers: Record<string, Handler> = {
    '/api/orders/': (req) => {
      onCreate();
      const body = req.body as CreateOrderRequest;
      const lines = body.seats.map((s) => lineFor(s.seat_id, s.ticket_type_id ?? 1));
      const order = makeOrder({ reference: `ORD${orders.length + 1}`, expires_at: HELD_UNTIL, lines });
      orders.push(order);
      return json(201, order);
    },
  };
  for (const n of [1, 2, 3]) {
    handlers[`/api/orders/ORD${n}/pay/`] = (req) => pay(++pays, orders[n - 1]!, req.body as PayRequest);
    handlers[`/api/orders/ORD${n}/`] = () => {
      const next = polls.shift();
      return next ? next(orders[n - 1]!) : json(200, { ...orders[n - 1], status: 'processing' });
    };
  }
  const backend = fakeBackend(layout, handlers);
  return { ...backend, orders };
}

type Server = ReturnType<typeof fakeBackend>['server'];

function booked(server: Server, order: Order, status: 'paid' | 'box_office' = 'paid', code = 200): Response {
  server.updateSeats(
    order.lines.map((l) => l.seat_id),
    { status: 'booked', booked_by_me: true, held_by_me: false, held_until: null } satisfies Partial<Seat>,
  );
  const amountPaid = status === 'paid' ? order.total : '0.00';
  return json(code, { ...order, status, amount_paid: amountPaid, booking_reference: order.reference });
}

const declined = (reason = 'card_declined') =>
  json(402, {
    detail: `The payment was declined (${reason}). The payment was declined. Your seats stay held until they expire: try another card.`,
    code: 'payment_declined',
  });

function renderSeatBooking() {
  return renderWithProviders(<SeatBooking showId={1} />, { route: '/shows/1', path: '/shows/:showId' });
}

async function openCheckout(user: UserEvent) {
  await user.click(await screen.findByTestId('checkout-button'));
  return screen.getByTestId('checkout');
}

async function fillCard(user: UserEvent, number = '4242 4242 4242 4242') {
  const input = screen.getByLabelText('Card number');
  await user.clear(input);
  await user.type(input, number);
  const expiry = screen.getByLabelText('Expiry (MM/YY)');
  if (!(expiry as HTMLInputElement).value) await user.type(expiry, '12/34');
  const cvc = screen.getByLabelText('CVC');
  if (!(cvc as HTMLInputElement).value) await user.type(cvc, '123');
}

const payButton = () => screen.getByTestId('pay-button');
const total = () => screen.getByTestId('checkout-total');

describe('Checkout', () => {
  beforeEach(() => {
    resetHallLayoutCache();
    window.sessionStorage.clear();
    document.cookie = 'csrftoken=tok; path=/';
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('prices each held seat by its ticket type and keeps the exact total as they change', async () => {
    const user = userEvent.setup();
    const { server, calls } = orderBackend(heldLayout(), (_n, order) => booked(server, order));
    renderSeatBooking();
    const panel = await openCheckout(user);

    expect(screen.getByRole('heading', { name: 'Checkout' })).toHaveFocus();
    expect(within(panel).getByTestId('countdown')).toHaveTextContent('05:00');
    expect(screen.queryByTestId('seat-1')).not.toBeInTheDocument(); // the map waits behind the checkout step
    // Each seat starts at its category's listed price.
    expect(screen.getByRole('combobox', { name: 'Ticket type for A1' })).toHaveDisplayValue(`Adult · ${eur('14.00')}`);
    expect(screen.getByRole('combobox', { name: 'Ticket type for B1' })).toHaveDisplayValue(`Adult · ${eur('10.10')}`);
    expect(total()).toHaveTextContent(eur('38.10'));
    expect(payButton()).toHaveTextContent(`Pay ${eur('38.10')}`);

    await user.selectOptions(screen.getByRole('combobox', { name: 'Ticket type for A2' }), `Reduced · ${eur('11.30')}`);
    expect(screen.getByTestId('ticket-price-2')).toHaveTextContent(eur('11.30'));
    expect(total()).toHaveTextContent(eur('35.40'));
    await user.selectOptions(screen.getByRole('combobox', { name: 'Ticket type for B1' }), `Child · ${eur('7.20')}`);
    expect(total()).toHaveTextContent(eur('32.50'));
    expect(total()).toHaveAccessibleName(`Total ${eur('32.50')}`);
    expect(payButton()).toHaveTextContent(`Pay ${eur('32.50')}`);

    await fillCard(user);
    await user.click(payButton());

    expect(await screen.findByTestId('booking-reference')).toHaveTextContent('ORD1');
    expect(calls('POST', '/api/orders/')[0]!.body).toEqual({
      show_id: 1,
      seats: [
        { seat_id: 1, ticket_type_id: 1 },
        { seat_id: 2, ticket_type_id: 3 },
        { seat_id: 5, ticket_type_id: 2 },
      ],
    });
    expect(calls('POST', '/api/orders/ORD1/pay/')[0]!.body).toEqual({
      method: 'card',
      card: { number: '4242424242424242', expiry: '12/34', cvc: '123' },
    });
    const seats = screen.getByTestId('booked-seats');
    expect(seats).toHaveTextContent(`Row A, seat 2 · Premium · Reduced${eur('11.30')}`);
    expect(seats).toHaveTextContent(`Row B, seat 1 · Standard · Child${eur('7.20')}`);
    expect(screen.getByTestId('order-total')).toHaveTextContent(`Total paid: ${eur('32.50')}`);
    expect(screen.getByRole('heading', { name: 'You’re booked!' })).toHaveFocus();
    // Back on the map, the seats are booked, and marked as yours (in the legend too).
    expect(screen.queryByTestId('checkout')).not.toBeInTheDocument();
    await waitFor(() => expect(screen.getByTestId('seat-1')).toHaveAttribute('data-status', 'booked-by-me'));
    expect(screen.getByTestId('seat-5')).toHaveAttribute('data-status', 'booked-by-me');
    expect(screen.getByTestId('seat-5')).toHaveAccessibleName(/, your seat$/);
    expect(within(screen.getByRole('list', { name: 'Seat legend' })).getByText('Yours')).toBeInTheDocument();
  });

  it('on a declined card says so by the Pay button, keeps the form, and pays the same order again', async () => {
    const user = userEvent.setup();
    const { server, calls } = orderBackend(heldLayout(), (n, order) => (n === 1 ? declined('insufficient_funds') : booked(server, order)));
    renderSeatBooking();
    await openCheckout(user);
    await fillCard(user, '4000 0000 0000 9995');
    await user.click(payButton());

    const problem = await screen.findByTestId('payment-problem');
    expect(problem).toHaveAttribute('role', 'alert');
    expect(problem).toHaveTextContent(
      `Your card was declined (insufficient funds). Nothing was charged, and your seats stay held until ${formatTime(HELD_UNTIL)}: please try another card.`,
    );
    expect(screen.getByTestId('checkout')).toContainElement(problem);
    expect(screen.getByLabelText('Card number')).toHaveValue('4000 0000 0000 9995');
    expect(screen.getByTestId('countdown')).toBeInTheDocument();

    await fillCard(user, '4242 4242 4242 4242');
    await user.click(payButton());
    expect(await screen.findByTestId('booking-reference')).toHaveTextContent('ORD1');
    expect(calls('POST', '/api/orders/')).toHaveLength(1);
    expect(calls('POST', '/api/orders/ORD1/pay/')).toHaveLength(2);
  });

  it('makes a new order when the ticket types changed after a decline', async () => {
    const user = userEvent.setup();
    const { server, calls } = orderBackend(heldLayout(), (n, order) => (n === 1 ? declined() : booked(server, order)));
    renderSeatBooking();
    await openCheckout(user);
    await fillCard(user, '4000 0000 0000 0002');
    await user.click(payButton());
    expect(await screen.findByTestId('payment-problem')).toHaveTextContent('Your card was declined. Nothing was charged');

    await user.selectOptions(screen.getByRole('combobox', { name: 'Ticket type for A1' }), `Reduced · ${eur('11.30')}`);
    await fillCard(user);
    await user.click(payButton());
    expect(await screen.findByTestId('booking-reference')).toHaveTextContent('ORD2');
    expect(calls('POST', '/api/orders/')).toHaveLength(2);
    expect(calls('POST', '/api/orders/ORD2/pay/')).toHaveLength(1);
    expect(screen.getByTestId('order-total')).toHaveTextContent(`Total paid: ${eur('35.40')}`);
  });

  it('waits for a bank that answers later (202), polling the order until it is paid', async () => {
    const user = userEvent.setup();
    const { server, calls } = orderBackend(
      heldLayout(),
      (_n, order) => json(202, { ...order, status: 'processing' }),
      [(order) => json(200, { ...order, status: 'processing' }), (order) => booked(server, order)],
    );
    renderSeatBooking();
    await openCheckout(user);
    await fillCard(user, '4000 0000 0000 3220');
    await user.click(payButton());

    expect(await screen.findByTestId('payment-waiting')).toHaveTextContent('Waiting for your bank…');
    expect(payButton()).toHaveTextContent('Waiting for your bank…');
    expect(screen.getByRole('button', { name: 'Back to seats' })).toBeDisabled();

    expect(await screen.findByTestId('booking-reference', {}, { timeout: 5_000 })).toHaveTextContent('ORD1');
    expect(calls('GET', '/api/orders/ORD1/')).toHaveLength(2);
    expect(calls('POST', '/api/orders/ORD1/pay/')).toHaveLength(1);
    await waitFor(() => expect(screen.getByTestId('seat-2')).toHaveAttribute('data-status', 'booked-by-me'));
  });

  it('explains a payment that arrived after the seats were sold, and refunded in full', async () => {
    const user = userEvent.setup();
    const { server } = orderBackend(
      heldLayout(),
      (_n, order) => json(202, { ...order, status: 'processing' }),
      [
        (order) => {
          server.updateSeats([1, 2, 5], { status: 'held', held_by_me: false, held_until: null }); // someone else's now
          return json(200, { ...order, status: 'refunded', amount_paid: order.total, amount_refunded: order.total });
        },
      ],
    );
    renderSeatBooking();
    await openCheckout(user);
    await fillCard(user, '4000 0000 0000 3220');
    await user.click(payButton());

    const notice = await screen.findByTestId('conflict-message', {}, { timeout: 4_000 });
    expect(notice).toHaveTextContent(`Your payment of ${eur('38.10')} arrived after your hold had run out`);
    expect(notice).toHaveTextContent(`refunded in full (${eur('38.10')} back to your card) and nothing was booked`);
    expect(screen.queryByTestId('checkout')).not.toBeInTheDocument();
    expect(screen.queryByTestId('booking-confirmation')).not.toBeInTheDocument();
    await waitFor(() => expect(screen.getByTestId('seat-1')).toHaveAttribute('data-status', 'held'));
  });

  it('says so when the bank turns the payment down later, and lets me try another card', async () => {
    const user = userEvent.setup();
    orderBackend(heldLayout(), (_n, order) => json(202, { ...order, status: 'processing' }), [
      (order) => json(200, { ...order, status: 'pending' }),
    ]);
    renderSeatBooking();
    await openCheckout(user);
    await fillCard(user, '4000 0000 0000 3220');
    await user.click(payButton());
    expect(await screen.findByTestId('payment-problem', {}, { timeout: 4_000 })).toHaveTextContent(
      'Your bank did not approve the payment, so nothing was charged.',
    );
    expect(payButton()).toHaveTextContent(`Pay ${eur('38.10')}`);
  });

  it('offers the box office only when the show allows it', async () => {
    const user = userEvent.setup();
    const { server, calls } = orderBackend(heldLayout(), (_n, order) => booked(server, order, 'box_office'));
    const view = renderSeatBooking();
    await openCheckout(user);
    await user.click(screen.getByRole('radio', { name: 'Pay at the box office' }));
    expect(screen.queryByLabelText('Card number')).not.toBeInTheDocument();
    expect(payButton()).toHaveTextContent(`Confirm, pay ${eur('38.10')} at the box office`);
    await user.click(payButton());

    expect(await screen.findByTestId('order-total')).toHaveTextContent(`To pay at the box office when you arrive: ${eur('38.10')}`);
    expect(calls('POST', '/api/orders/ORD1/pay/')[0]!.body).toEqual({ method: 'box_office' });
    view.unmount();

    resetHallLayoutCache();
    orderBackend(heldLayout({ box_office_payment: false }), () => declined());
    renderSeatBooking();
    await openCheckout(user);
    expect(screen.queryByRole('radio')).not.toBeInTheDocument();
    expect(screen.queryByText('Pay at the box office')).not.toBeInTheDocument();
    expect(screen.getByRole('group', { name: 'Pay by card' })).toBeInTheDocument();
    expect(screen.getByLabelText('Card number')).toHaveAttribute('autocomplete', 'cc-number');
    expect(screen.getByLabelText('Expiry (MM/YY)')).toHaveAttribute('autocomplete', 'cc-exp');
    expect(screen.getByLabelText('CVC')).toHaveAttribute('autocomplete', 'cc-csc');
    expect(screen.getByTestId('test-cards')).toHaveTextContent('Test cards');
  });

  it('goes back to the seats when the order expired before it was paid', async () => {
    const user = userEvent.setup();
    const { server } = orderBackend(heldLayout(), () => {
      server.updateSeats([1, 2, 5], { status: 'available', held_by_me: false, held_until: null });
      return json(409, { detail: 'Expired.', code: 'order_expired' });
    });
    renderSeatBooking();
    await openCheckout(user);
    await fillCard(user);
    await user.click(payButton());

    expect(await screen.findByTestId('hold-expired')).toHaveTextContent(
      'Your hold ran out before the payment went through, so the seats were released and nothing was charged.',
    );
    expect(screen.queryByTestId('checkout')).not.toBeInTheDocument();
    await waitFor(() => expect(screen.getByTestId('seat-1')).toHaveAttribute('data-status', 'available'));
    expect(screen.queryByTestId('checkout-button')).not.toBeInTheDocument();
  });

  it('closes the checkout when the hold runs out while filling it in', async () => {
    const user = userEvent.setup();
    const { server } = orderBackend(heldLayout(), () => declined());
    renderSeatBooking();
    await openCheckout(user);
    server.updateSeats([1, 2, 5], { status: 'available', held_by_me: false, held_until: null });
    vi.setSystemTime(new Date(NOW.getTime() + 301_000));
    expect(await screen.findByTestId('hold-expired')).toBeInTheDocument();
    expect(screen.queryByTestId('checkout')).not.toBeInTheDocument();
  });

  it('checks the card before sending anything, and points at the first field to fix', async () => {
    const user = userEvent.setup();
    const { calls } = orderBackend(heldLayout(), () => declined());
    renderSeatBooking();
    await openCheckout(user);
    await user.type(screen.getByLabelText('Card number'), '4242');
    await user.click(payButton());
    expect(screen.getByLabelText('Card number')).toHaveFocus();
    expect(screen.getByLabelText('Card number')).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByText('Enter the card number: 12 to 19 digits.')).toBeInTheDocument();
    expect(screen.getByText('Enter the expiry date as MM/YY.')).toBeInTheDocument();
    expect(calls('POST', '/api/orders/')).toHaveLength(0);
  });

  it('Escape and Back to seats return to the map with the focus on Checkout', async () => {
    const user = userEvent.setup();
    orderBackend(heldLayout(), () => declined());
    renderSeatBooking();
    await openCheckout(user);
    await user.keyboard('{Escape}');
    expect(screen.queryByTestId('checkout')).not.toBeInTheDocument();
    expect(screen.getByTestId('checkout-button')).toHaveFocus();

    await user.keyboard('{Enter}');
    expect(screen.getByRole('heading', { name: 'Checkout' })).toHaveFocus();
    await user.click(screen.getByRole('button', { name: 'Back to seats' }));
    expect(screen.getByTestId('checkout-button')).toHaveFocus();
    expect(screen.getByTestId('seat-1')).toHaveAttribute('data-status', 'held-by-me');
  });

  it('never charges a total that was not shown: a price change stops before paying', async () => {
    const user = userEvent.setup();
    const { server, calls } = orderBackend(
      heldLayout(),
      (_n, order) => booked(server, order),
      [],
      () => {
        // Premium went up after the map was loaded.
        PRICES['2:1'] = '15.00';
        server.setLayout({ ...server.layout, categories: [STANDARD, { ...PREMIUM, price: '15.00', prices: [{ ticket_type_id: 1, ticket_type: 'Adult', amount: '15.00' }] }] });
      },
    );
    try {
      renderSeatBooking();
      await openCheckout(user);
      await fillCard(user);
      await user.click(payButton());
      expect(await screen.findByTestId('payment-problem')).toHaveTextContent(
        `The prices changed since the map was loaded: the total is now ${eur('40.10')}.`,
      );
      expect(calls('POST', '/api/orders/ORD1/pay/')).toHaveLength(0);
      await waitFor(() => expect(total()).toHaveTextContent(eur('40.10')));

      await user.click(payButton());
      expect(await screen.findByTestId('order-total')).toHaveTextContent(`Total paid: ${eur('40.10')}`);
      expect(calls('POST', '/api/orders/')).toHaveLength(1);
    } finally {
      PRICES['2:1'] = '14.00';
    }
  });
});
