import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { hallLayoutQueryKey } from '@/lib/query-keys';
import { formatMoney } from '@/lib/money';
import { formatShowDateTime } from '@/lib/zoned-time';
import type { BookedSeat, Booking, BookingPayment, CancelRequest } from '@/types/api';
import { createTestQueryClient, json, makeLayout, mockFetch, renderWithProviders, type Handler } from '@/testing/test-utils';
import { BookingList } from './booking-list';

const eur = (amount: string) => formatMoney(amount, 'EUR');
const HOUR = 3_600_000;
const inHours = (h: number) => new Date(Date.now() + h * HOUR).toISOString();
const CANCELLED_AT = '2030-01-01T11:00:00Z';

const seat = (id: number, number: number, amount: string | null, cancelled_at: string | null = null): BookedSeat => ({
  id,
  row: 'C',
  number,
  amount,
  cancelled_at,
});

function payment(status: BookingPayment['status'], total: string, extra: Partial<BookingPayment> = {}): BookingPayment {
  return { status, currency: 'EUR', total, amount_paid: status === 'paid' ? total : '0.00', amount_refunded: '0.00', ...extra };
}

/** BX-1: show 3, C7 (a Child ticket, 6.50) and C8 (10.00), paid by card, cancellable for another day. */
function booking(overrides: Partial<Booking> = {}): Booking {
  const seats = overrides.seats ?? [seat(10, 7, '6.50'), seat(11, 8, '10.00')];
  return {
    reference: 'BX-1',
    show_id: 3,
    seat_ids: seats.filter((s) => !s.cancelled_at).map((s) => s.id),
    created_at: '2030-01-01T10:00:00Z',
    movie_title: 'Alpha',
    starts_at: inHours(26),
    hall_name: 'Hall 1',
    venue_name: 'Grand',
    time_zone: 'UTC',
    seats,
    payment: payment('paid', '16.50'),
    cancellable_until: inHours(24),
    ...overrides,
  };
}

/** GET /api/bookings/ answers `list` as it is now; `cancel` answers POST /api/bookings/BX-1/cancel/. */
function bookingsBackend(initial: Booking[], cancel?: Handler) {
  let list = initial;
  const api = mockFetch((req) => {
    if (req.url === '/api/bookings/' && req.method === 'GET') return json(200, list);
    if (req.url === '/api/bookings/BX-1/cancel/' && cancel) return cancel(req);
    return json(500, { detail: 'unexpected', code: 'error' });
  });
  return {
    ...api,
    setList: (next: Booking[]) => {
      list = next;
    },
    cancels: () => api.calls('POST', '/api/bookings/BX-1/cancel/').map((r) => r.body as CancelRequest),
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('BookingList', () => {
  it('shows each seat with its price, what was paid and what was refunded; a cancelled seat is struck through', async () => {
    bookingsBackend([
      booking({
        seats: [seat(10, 7, '6.50'), seat(11, 8, '10.00', CANCELLED_AT)],
        payment: payment('paid', '16.50', { amount_refunded: '10.00' }),
      }),
      booking({ reference: 'BX-2', movie_title: 'Beta', payment: payment('box_office', '16.50'), created_at: '2030-01-01T09:00:00Z' }),
    ]);
    renderWithProviders(<BookingList />);

    const paid = await screen.findByTestId('booking-BX-1');
    expect(within(paid).getByTestId('booked-seat-10')).toHaveTextContent(`Row C, seat 7, ${eur('6.50')}`);
    const cancelled = within(paid).getByTestId('booked-seat-11');
    expect(cancelled).toHaveAttribute('data-cancelled', 'true');
    expect(cancelled).toHaveTextContent('Cancelled');
    expect(within(paid).getByTestId('payment-summary')).toHaveTextContent(
      `Total paid: ${eur('16.50')} · Refunded so far: ${eur('10.00')}`,
    );
    // Only the seat still booked can be cancelled.
    await userEvent.click(within(paid).getByRole('button', { name: 'Cancel seats' }));
    expect(within(paid).getAllByRole('checkbox')).toHaveLength(1);

    const boxOffice = screen.getByTestId('booking-BX-2');
    expect(within(boxOffice).getByTestId('payment-summary')).toHaveTextContent(
      `To pay at the box office when you arrive: ${eur('16.50')}`,
    );
  });

  it("shows the showtime in the venue's time zone, labelled", async () => {
    bookingsBackend([booking({ starts_at: '2030-12-14T13:00:00Z', time_zone: 'Europe/Berlin' })]);
    renderWithProviders(<BookingList />);
    const card = await screen.findByTestId('booking-BX-1');
    expect(card).toHaveTextContent(`${formatShowDateTime('2030-12-14T13:00:00Z', 'Europe/Berlin')} · Grand · Hall 1`);
    expect(formatShowDateTime('2030-12-14T13:00:00Z', 'Europe/Berlin')).toMatch(/(14:00|02:00\sPM) \((CET|GMT\+1)\)$/);
  });

  it('previews the exact refund of the chosen seats before anything is cancelled', async () => {
    const api = bookingsBackend([booking()]);
    const user = userEvent.setup();
    renderWithProviders(<BookingList />);

    await user.click(await screen.findByRole('button', { name: 'Cancel seats' }));
    expect(screen.getByRole('heading', { name: 'Cancel seats' })).toHaveFocus();
    const c7 = screen.getByRole('checkbox', { name: `Row C, seat 7, ${eur('6.50')}` });
    const c8 = screen.getByRole('checkbox', { name: `Row C, seat 8, ${eur('10.00')}` });
    expect(c7).toBeChecked(); // every seat to begin with
    expect(c8).toBeChecked();
    expect(screen.getByTestId('refund-preview')).toHaveTextContent(`You will be refunded ${eur('16.50')}.`);

    await user.click(c8);
    expect(screen.getByTestId('refund-preview')).toHaveTextContent(`You will be refunded ${eur('6.50')}.`);
    await user.click(c7);
    expect(screen.getByTestId('refund-preview')).toHaveTextContent('Choose at least one seat to cancel.');
    await user.click(screen.getByRole('button', { name: 'Continue' }));
    expect(screen.queryByTestId('cancel-confirm')).not.toBeInTheDocument();

    // Escape gives up, the focus back on the button; nothing was sent.
    await user.keyboard('{Escape}');
    expect(screen.getByRole('button', { name: 'Cancel seats' })).toHaveFocus();
    expect(api.cancels()).toEqual([]);
  });

  it('has no refund to promise for a booking to pay at the box office', async () => {
    const api = bookingsBackend([booking({ payment: payment('box_office', '16.50') })], () =>
      json(200, { detail: 'Cancelled.', seat_ids: [10, 11], refund: '0.00', currency: 'EUR' }),
    );
    const user = userEvent.setup();
    renderWithProviders(<BookingList />);

    await user.click(await screen.findByRole('button', { name: 'Cancel seats' }));
    expect(screen.getByTestId('refund-preview')).toHaveTextContent('Nothing to refund: you had not paid yet');
    expect(screen.getByTestId('refund-preview')).not.toHaveTextContent('€');
    await user.click(screen.getByRole('button', { name: 'Continue' }));
    expect(screen.getByTestId('confirm-refund')).toHaveTextContent('Nothing to refund: you had not paid yet');
    await user.click(screen.getByRole('button', { name: 'Yes, cancel 2 seats' }));

    expect(await screen.findByTestId('cancel-result')).toHaveTextContent('Cancelled 2 seats; nothing to refund.');
    expect(api.cancels()).toEqual([{}]); // every seat: the whole booking
  });

  it('cancels one seat after the confirmation, says what was refunded, and refreshes the list and the seat map', async () => {
    const api = bookingsBackend([booking()], () => {
      api.setList([
        booking({
          seats: [seat(10, 7, '6.50', CANCELLED_AT), seat(11, 8, '10.00')],
          payment: payment('paid', '16.50', { amount_refunded: '6.50' }),
        }),
      ]);
      return json(200, { detail: 'Cancelled.', seat_ids: [10], refund: '6.50', currency: 'EUR' });
    });
    const client = createTestQueryClient();
    client.setQueryData(hallLayoutQueryKey(3), makeLayout({ show_id: 3 })); // the seat map seen before
    client.setQueryData(hallLayoutQueryKey(4), makeLayout({ show_id: 4 }));
    const user = userEvent.setup();
    renderWithProviders(<BookingList />, { client });

    await user.click(await screen.findByRole('button', { name: 'Cancel seats' }));
    await user.click(screen.getByRole('checkbox', { name: /Row C, seat 8/ }));
    await user.click(screen.getByRole('button', { name: 'Continue' }));

    // The confirmation takes the focus and repeats what goes and what comes back; Escape goes back a step.
    expect(screen.getByRole('heading', { name: 'Cancel 1 seat?' })).toHaveFocus();
    expect(screen.getByTestId('cancel-confirm')).toHaveTextContent('Row C, seat 7 will be released');
    expect(screen.getByTestId('confirm-refund')).toHaveTextContent(`You will be refunded ${eur('6.50')}.`);
    await user.keyboard('{Escape}');
    expect(screen.getByRole('checkbox', { name: /Row C, seat 8/ })).not.toBeChecked(); // the choice is kept
    await user.click(screen.getByRole('button', { name: 'Continue' }));
    expect(api.cancels()).toEqual([]);

    await user.click(screen.getByRole('button', { name: 'Yes, cancel 1 seat' }));

    const result = await screen.findByTestId('cancel-result');
    expect(result).toHaveTextContent(`Cancelled 1 seat; ${eur('6.50')} refunded.`);
    expect(result).toHaveFocus();
    expect(api.cancels()).toEqual([{ seat_ids: [10] }]);
    // The list is fetched again and shows the seat cancelled and the refund.
    await waitFor(() => expect(screen.getByTestId('booked-seat-10')).toHaveAttribute('data-cancelled', 'true'));
    expect(api.calls('GET', '/api/bookings/')).toHaveLength(2);
    expect(screen.getByTestId('payment-summary')).toHaveTextContent(`Refunded so far: ${eur('6.50')}`);
    // The show's cached seat map is stale now (refetched when it is opened); other shows' are not.
    expect(client.getQueryState(hallLayoutQueryKey(3))?.isInvalidated).toBe(true);
    expect(client.getQueryState(hallLayoutQueryKey(4))?.isInvalidated).toBe(false);
    // C8 can still be cancelled.
    expect(screen.getByRole('button', { name: 'Cancel seats' })).toBeInTheDocument();
  });

  it('offers no cancellation after the cutoff, and says to ask at the box office', async () => {
    bookingsBackend([booking({ cancellable_until: inHours(-1), starts_at: inHours(1) })]);
    renderWithProviders(<BookingList />);

    const card = await screen.findByTestId('booking-BX-1');
    expect(within(card).getByTestId('cancellation-closed')).toHaveTextContent('Cancellation closed (ask at the box office).');
    expect(within(card).queryByRole('button', { name: 'Cancel seats' })).not.toBeInTheDocument();
  });

  it('closes the cancellation when the cutoff passes while the page is open', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    bookingsBackend([booking({ cancellable_until: inHours(0.5) })]);
    renderWithProviders(<BookingList />);

    expect(await screen.findByRole('button', { name: 'Cancel seats' })).toBeInTheDocument();
    act(() => {
      vi.advanceTimersByTime(0.5 * HOUR + 1_000);
    });
    expect(screen.queryByRole('button', { name: 'Cancel seats' })).not.toBeInTheDocument();
    expect(screen.getByTestId('cancellation-closed')).toBeInTheDocument();
  });

  it('explains a cancellation refused as too late (409 cancellation_closed) and reloads the list', async () => {
    const api = bookingsBackend([booking()], () => {
      api.setList([booking({ cancellable_until: inHours(-0.1) })]);
      return json(409, {
        detail: 'This showtime is too close to its start to cancel online; ask at the box office.',
        code: 'cancellation_closed',
        seat_ids: [],
      });
    });
    const user = userEvent.setup();
    renderWithProviders(<BookingList />);

    await user.click(await screen.findByRole('button', { name: 'Cancel seats' }));
    await user.click(screen.getByRole('button', { name: 'Continue' }));
    await user.click(screen.getByRole('button', { name: 'Yes, cancel 2 seats' }));

    const alert = await screen.findByTestId('cancel-error');
    expect(alert).toHaveRole('alert');
    expect(alert).toHaveTextContent('It is too late to cancel online: this showtime starts soon. Please ask at the box office.');
    expect(within(alert).queryByRole('button', { name: 'Try again' })).not.toBeInTheDocument();
    // The list reloaded: its cutoff has passed, so the cancellation is closed; the explanation stays.
    expect(await screen.findByTestId('cancellation-closed')).toBeInTheDocument();
    expect(screen.getByTestId('cancel-error')).toBeInTheDocument();
    expect(screen.queryByTestId('cancel-result')).not.toBeInTheDocument();
  });

  it('offers to try again when the hall was too busy (409 lock_timeout)', async () => {
    let attempts = 0;
    bookingsBackend([booking()], () =>
      ++attempts === 1
        ? json(409, { detail: 'Busy.', code: 'lock_timeout' })
        : json(200, { detail: 'Cancelled.', seat_ids: [10, 11], refund: '16.50', currency: 'EUR' }),
    );
    const user = userEvent.setup();
    renderWithProviders(<BookingList />);

    await user.click(await screen.findByRole('button', { name: 'Cancel seats' }));
    await user.click(screen.getByRole('button', { name: 'Continue' }));
    await user.click(screen.getByRole('button', { name: 'Yes, cancel 2 seats' }));
    const alert = await screen.findByTestId('cancel-error');
    expect(alert).toHaveTextContent('The hall is very busy right now and nothing was cancelled.');
    await user.click(within(alert).getByRole('button', { name: 'Try again' }));

    expect(await screen.findByTestId('cancel-result')).toHaveTextContent(`Cancelled 2 seats; ${eur('16.50')} refunded.`);
    expect(screen.queryByTestId('cancel-error')).not.toBeInTheDocument();
  });

  it('has an empty state', async () => {
    mockFetch(() => json(200, []));
    renderWithProviders(<BookingList />);
    expect(await screen.findByText('No bookings yet')).toBeInTheDocument();
  });
});
