import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { formatMoney } from '@/lib/money';
import { category, fakeBackend, json, makeLayout, mockFetch, renderWithProviders } from '@/testing/test-utils';
import { resetHallLayoutCache } from '../api/get-hall-layout';
import { SeatBooking } from './seat-booking';

const NOW = new Date('2030-01-01T12:00:00Z');
const inSeconds = (s: number) => new Date(NOW.getTime() + s * 1000).toISOString();
const eur = (amount: string) => formatMoney(amount, 'EUR');
/** makeLayout's one category and price, as a seat's name says them. */
const STANDARD = `Standard, ${eur('10.00')}`;

const setup = fakeBackend;

function renderSeatBooking() {
  return renderWithProviders(<SeatBooking showId={1} />, { route: '/shows/1', path: '/shows/:showId' });
}

const seatEl = (id: number) => screen.getByTestId(`seat-${id}`);

describe('SeatBooking', () => {
  beforeEach(() => {
    resetHallLayoutCache();
    window.sessionStorage.clear();
    document.cookie = 'csrftoken=tok; path=/';
    // Freeze only the clock (Date); timers stay real so polling and user-event work.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('renders the hall with counts and legend', async () => {
    setup(makeLayout({}, { 2: { status: 'booked' }, 3: { status: 'held' } }));
    renderSeatBooking();
    expect(await screen.findByRole('heading', { name: 'The Test Movie' })).toBeInTheDocument();
    expect(screen.getByTestId('count-available')).toHaveTextContent('10');
    expect(screen.getByTestId('count-held')).toHaveTextContent('1');
    expect(screen.getByTestId('count-booked')).toHaveTextContent('1');
    expect(seatEl(2)).toHaveAttribute('data-status', 'booked');
    expect(seatEl(3)).toHaveAccessibleName(`Row A, seat 3, ${STANDARD}, held`);
    const legend = screen.getByRole('list', { name: 'Seat legend' });
    expect(within(legend).getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      'Available',
      'Selected',
      'Held by you',
      'Held by others',
      'Booked',
    ]);
  });

  it('marks the seats I booked as mine, apart from seats booked by others, with "Yours" in the legend', async () => {
    setup(makeLayout({}, { 2: { status: 'booked' }, 3: { status: 'booked', booked_by_me: true } }));
    renderSeatBooking();
    expect(await screen.findByRole('heading', { name: 'The Test Movie' })).toBeInTheDocument();
    expect(seatEl(3)).toHaveAttribute('data-status', 'booked-by-me');
    expect(seatEl(3)).toHaveClass('seat--booked-by-me');
    expect(seatEl(3)).toHaveAccessibleName(`Row A, seat 3, ${STANDARD}, your seat`);
    expect(seatEl(3)).toHaveAttribute('aria-disabled', 'true');
    expect(seatEl(2)).toHaveAttribute('data-status', 'booked');
    expect(seatEl(2)).toHaveAccessibleName(`Row A, seat 2, ${STANDARD}, booked`);
    expect(screen.getByTestId('count-booked')).toHaveTextContent('2');
    const legend = screen.getByRole('list', { name: 'Seat legend' });
    expect(within(legend).getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      'Available',
      'Selected',
      'Held by you',
      'Held by others',
      'Yours',
      'Booked',
    ]);
    expect(within(legend).getByText('Yours')).toHaveAttribute('title', 'your seat');
  });

  it('shows the prices of every category and a running total of the selection', async () => {
    const user = userEvent.setup();
    // Rows A and B Standard at 10.00, row C Premium at 12.50.
    const premiumRowC = Object.fromEntries([9, 10, 11, 12].map((id) => [id, { category: 2 }]));
    setup(
      makeLayout(
        { categories: [category(1, 'Standard', '10.00'), category(2, 'Premium', '12.50', '#aa3377')] },
        premiumRowC,
      ),
    );
    renderSeatBooking();
    const legend = await screen.findByRole('list', { name: 'Seat prices' });
    expect(within(legend).getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      `Standard · ${eur('10.00')}`,
      `Premium · ${eur('12.50')}`,
    ]);
    expect(seatEl(9)).toHaveAccessibleName(`Row C, seat 1, Premium, ${eur('12.50')}, available`);
    expect(screen.getByTestId('selection-total')).toBeEmptyDOMElement();

    await user.click(seatEl(1));
    expect(screen.getByRole('status', { name: `Total for 1 seat: ${eur('10.00')}` })).toBeInTheDocument();
    await user.click(seatEl(9));
    await user.click(seatEl(10));
    expect(screen.getByTestId('selection-total')).toHaveAccessibleName(`Total for 3 seats: ${eur('35.00')}`);
    await user.click(seatEl(1));
    expect(screen.getByTestId('selection-total')).toHaveAccessibleName(`Total for 2 seats: ${eur('25.00')}`);
  });

  it('totals the held seats while they are held', async () => {
    const mine = { status: 'held', held_by_me: true, held_until: inSeconds(300) } as const;
    setup(makeLayout({}, { 1: mine, 2: mine }));
    renderSeatBooking();
    expect(await screen.findByTestId('countdown')).toBeInTheDocument();
    expect(screen.getByTestId('selection-total')).toHaveAccessibleName(`Total for 2 held seats: ${eur('20.00')}`);
  });

  it('shows seats of a category the show does not sell as not for sale, and they cannot be picked', async () => {
    const user = userEvent.setup();
    const vipRowA = Object.fromEntries([1, 2, 3, 4].map((id) => [id, { category: 2 }]));
    setup(makeLayout({ categories: [category(1, 'Standard', '9.50'), category(2, 'VIP', null, '#aa3377')] }, vipRowA));
    renderSeatBooking();
    const a1 = await screen.findByTestId('seat-1');
    expect(a1).toHaveAccessibleName('Row A, seat 1, VIP, not for sale');
    expect(a1).toHaveAttribute('aria-disabled', 'true');
    expect(screen.getByTestId('price-category-2')).toHaveTextContent('VIP · not on sale');
    expect(within(screen.getByRole('list', { name: 'Seat legend' })).getByText('Not for sale')).toBeInTheDocument();

    await user.click(a1);
    expect(a1).toHaveAttribute('aria-pressed', 'false');
    expect(screen.getByTestId('hold-button')).toBeDisabled();
    await user.click(seatEl(5));
    expect(screen.getByTestId('selected-seats')).toHaveTextContent('B1');
    expect(screen.getByTestId('selection-total')).toHaveAccessibleName(`Total for 1 seat: ${eur('9.50')}`);
  });

  it('on a 409 category_not_sold names the seats, drops them and shows them not for sale', async () => {
    const user = userEvent.setup();
    const vipRowA = Object.fromEntries([1, 2, 3, 4].map((id) => [id, { category: 2 }]));
    const vipSold = makeLayout({ categories: [category(1, 'Standard', '10.00'), category(2, 'VIP', '15.00')] }, vipRowA);
    const { server } = setup(vipSold, {
      '/api/hold-seat/': () => {
        // The show stopped selling VIP after this map was loaded.
        server.setLayout({ ...server.layout, categories: [category(1, 'Standard', '10.00'), category(2, 'VIP', null)] });
        return json(409, { detail: 'Not sold.', code: 'category_not_sold', seat_ids: [1] });
      },
    });
    renderSeatBooking();
    await user.click(await screen.findByTestId('seat-1'));
    await user.click(seatEl(5));
    await user.click(screen.getByTestId('hold-button'));

    expect(await screen.findByTestId('conflict-message')).toHaveTextContent(
      'A1 is not on sale for this show, so nothing was held. The rest of your selection is kept',
    );
    expect(seatEl(5)).toHaveAttribute('aria-pressed', 'true');
    await waitFor(() => expect(seatEl(1)).toHaveAttribute('data-status', 'not-for-sale'));
    expect(seatEl(1)).toHaveAttribute('aria-pressed', 'false');
    expect(screen.getByTestId('selected-seats')).toHaveTextContent('B1');
    // The refetched map agrees with the refusal: the notice stays, no second one replaces it.
    expect(screen.getByTestId('conflict-message')).toHaveTextContent('A1 is not on sale');
  });

  it('limits the selection to max_seats_per_hold, counting seats already held by me', async () => {
    const user = userEvent.setup();
    setup(makeLayout({ max_seats_per_hold: 3 }, { 12: { status: 'held', held_by_me: true, held_until: inSeconds(300) } }));
    renderSeatBooking();
    await user.click(await screen.findByTestId('seat-1'));
    await user.click(seatEl(2));
    expect(seatEl(1)).toHaveAttribute('aria-pressed', 'true');
    expect(seatEl(1)).toHaveAccessibleName(`Row A, seat 1, ${STANDARD}, selected`);
    expect(seatEl(2)).toHaveAttribute('aria-pressed', 'true');

    await user.click(seatEl(3));
    expect(seatEl(3)).toHaveAttribute('aria-pressed', 'false');
    expect(screen.getByTestId('limit-message')).toHaveTextContent('up to 3 seats');

    // Deselecting frees a slot again.
    await user.click(seatEl(2));
    expect(screen.queryByTestId('limit-message')).not.toBeInTheDocument();
    await user.click(seatEl(3));
    expect(seatEl(3)).toHaveAttribute('aria-pressed', 'true');
  });

  it('holds seats and shows a countdown computed from the server held_until', async () => {
    const user = userEvent.setup();
    const { server, calls } = setup(makeLayout(), {
      '/api/hold-seat/': (req) => {
        const ids = (req.body as { seat_ids: number[] }).seat_ids;
        // Server says 2:03 left (not the 600 s hold_ttl_seconds).
        server.updateSeats(ids, { status: 'held', held_by_me: true, held_until: inSeconds(123) });
        return json(200, { detail: 'Held', held_until: inSeconds(123), seat_ids: ids });
      },
    });
    renderSeatBooking();
    await user.click(await screen.findByTestId('seat-1'));
    await user.click(seatEl(2));
    await user.click(screen.getByTestId('hold-button'));

    expect(await screen.findByTestId('countdown')).toHaveTextContent('02:03');
    expect(calls('POST', '/api/hold-seat/')[0]!.body).toEqual({ show_id: 1, seat_ids: [1, 2] });
    expect(calls('POST', '/api/hold-seat/')[0]!.headers.get('X-CSRFToken')).toBe('tok');
    expect(seatEl(1)).toHaveAttribute('data-status', 'held-by-me');
    expect(seatEl(1)).toHaveAccessibleName(`Row A, seat 1, ${STANDARD}, held by you`);
    expect(screen.getByTestId('held-seats')).toHaveTextContent('A1, A2');
    expect(screen.getByTestId('checkout-button')).toBeEnabled();
    expect(screen.getByTestId('cancel-button')).toBeEnabled();
  });

  it('a double-click on Hold sends exactly one hold request', async () => {
    const user = userEvent.setup();
    let resolveHold: (r: Response) => void = () => {};
    const { calls, server } = setup(makeLayout(), {
      '/api/hold-seat/': () => new Promise<Response>((resolve) => (resolveHold = resolve)),
    });
    renderSeatBooking();
    await user.click(await screen.findByTestId('seat-1'));
    const hold = screen.getByTestId('hold-button');
    await user.dblClick(hold);
    fireEvent.click(hold);
    fireEvent.click(hold);
    expect(calls('POST', '/api/hold-seat/')).toHaveLength(1);
    expect(screen.getByTestId('hold-button')).toBeDisabled();
    await act(async () => {
      server.updateSeats([1], { status: 'held', held_by_me: true, held_until: inSeconds(300) });
      resolveHold(json(200, { detail: 'Held', held_until: inSeconds(300), seat_ids: [1] }));
    });
    expect(await screen.findByTestId('countdown')).toBeInTheDocument();
    expect(calls('POST', '/api/hold-seat/')).toHaveLength(1);
  });

  it('on a 409 names the taken seats, keeps the rest of the selection and refetches the map', async () => {
    const user = userEvent.setup();
    const { server, calls } = setup(makeLayout(), {
      '/api/hold-seat/': () => {
        server.updateSeats([2], { status: 'held' }); // someone else got A2 first
        return json(409, { detail: 'Some seats are no longer available.', code: 'seat_unavailable', seat_ids: [2] });
      },
    });
    renderSeatBooking();
    await user.click(await screen.findByTestId('seat-1'));
    await user.click(seatEl(2));
    await user.click(seatEl(3));
    const layoutFetchesBefore = calls('GET', '/api/hall-layout/1/').length;
    await user.click(screen.getByTestId('hold-button'));

    const message = await screen.findByTestId('conflict-message');
    expect(message).toHaveTextContent('A2');
    expect(message).toHaveTextContent(/taken/);
    expect(seatEl(1)).toHaveAttribute('aria-pressed', 'true');
    expect(seatEl(3)).toHaveAttribute('aria-pressed', 'true');
    expect(seatEl(2)).toHaveAttribute('aria-pressed', 'false');
    await waitFor(() => expect(seatEl(2)).toHaveAttribute('data-status', 'held'));
    expect(calls('GET', '/api/hall-layout/1/').length).toBeGreaterThan(layoutFetchesBefore);
    expect(screen.getByTestId('selected-seats')).toHaveTextContent('A1, A3');
  });

  it('shows a retry message on network errors and 5xx', async () => {
    const user = userEvent.setup();
    let attempts = 0;
    const { calls, server } = setup(makeLayout(), {
      '/api/hold-seat/': () => {
        attempts += 1;
        if (attempts === 1) return Promise.reject(new TypeError('Failed to fetch'));
        if (attempts === 2) return json(503, { detail: 'Service unavailable', code: 'error' });
        server.updateSeats([1], { status: 'held', held_by_me: true, held_until: inSeconds(300) });
        return json(200, { detail: 'Held', held_until: inSeconds(300), seat_ids: [1] });
      },
    });
    renderSeatBooking();
    await user.click(await screen.findByTestId('seat-1'));
    await user.click(screen.getByTestId('hold-button'));
    const error = await screen.findByTestId('error-message');
    expect(error).toHaveTextContent(/could not reach the server/i);
    await user.click(within(error).getByRole('button', { name: 'Retry' }));
    expect(await screen.findByTestId('error-message')).toHaveTextContent(/server had a problem/i);
    await user.click(within(screen.getByTestId('error-message')).getByRole('button', { name: 'Retry' }));
    expect(await screen.findByTestId('countdown')).toBeInTheDocument();
    expect(calls('POST', '/api/hold-seat/')).toHaveLength(3);
  });

  it('Cancel releases the hold at once', async () => {
    const user = userEvent.setup();
    const { server, calls } = setup(makeLayout({}, { 5: { status: 'held', held_by_me: true, held_until: inSeconds(100) } }), {
      '/api/release-seat/': (req) => {
        server.updateSeats([5], { status: 'available', held_by_me: false, held_until: null });
        return json(200, { detail: 'Released', seat_ids: (req.body as { seat_ids: number[] }).seat_ids });
      },
    });
    renderSeatBooking();
    await user.click(await screen.findByTestId('cancel-button'));
    await waitFor(() => expect(seatEl(5)).toHaveAttribute('data-status', 'available'));
    expect(calls('POST', '/api/release-seat/')[0]!.body).toEqual({ show_id: 1, seat_ids: [5] });
    expect(screen.queryByTestId('countdown')).not.toBeInTheDocument();
    expect(screen.queryByTestId('checkout-button')).not.toBeInTheDocument();
  });

  it('says the hold expired when the countdown ends and refreshes the layout', async () => {
    const { server, calls } = setup(makeLayout({}, { 1: { status: 'held', held_by_me: true, held_until: inSeconds(45) } }));
    renderSeatBooking();
    expect(await screen.findByTestId('countdown')).toHaveTextContent('00:45');

    server.updateSeats([1], { status: 'available', held_by_me: false, held_until: null });
    const before = calls('GET', '/api/hall-layout/1/').length;
    vi.setSystemTime(new Date(NOW.getTime() + 46_000));

    expect(await screen.findByTestId('hold-expired')).toHaveTextContent(/expired/);
    await waitFor(() => expect(seatEl(1)).toHaveAttribute('data-status', 'available'));
    const refetch = calls('GET', '/api/hall-layout/1/')[before]!;
    expect(refetch.headers.get('If-None-Match')).toBeNull(); // forced full refresh
    expect(screen.queryByTestId('checkout-button')).not.toBeInTheDocument();
  });

  it('polls: changes by others show up and drop them from my selection', async () => {
    const user = userEvent.setup();
    const { server, calls } = setup();
    renderSeatBooking();
    await user.click(await screen.findByTestId('seat-4'));
    expect(seatEl(4)).toHaveAttribute('aria-pressed', 'true');

    server.updateSeats([4], { status: 'booked' });
    await waitFor(() => expect(seatEl(4)).toHaveAttribute('data-status', 'booked'), { timeout: 4000 });
    expect(seatEl(4)).toHaveAttribute('aria-pressed', 'false');
    expect(screen.getByTestId('conflict-message')).toHaveTextContent('A4');
    // Polls are conditional: the unchanged ones were answered with 304.
    const polls = calls('GET', '/api/hall-layout/1/');
    expect(polls.at(-1)!.headers.get('If-None-Match')).toMatch(/^"v\d+"$/);
  });

  it('sends signed-out users to sign in when they try to hold', async () => {
    const user = userEvent.setup();
    const { calls } = setup(makeLayout(), {}, null);
    renderSeatBooking();
    await user.click(await screen.findByTestId('seat-1'));
    await waitFor(() => expect(screen.getByTestId('hold-button')).toHaveTextContent('Sign in to hold'));
    await user.click(screen.getByTestId('hold-button'));
    expect(await screen.findByText('Login page')).toBeInTheDocument();
    expect(calls('POST', '/api/hold-seat/')).toHaveLength(0);
  });

  it('keeps the seats picked while signed out and selects them again after signing in', async () => {
    const user = userEvent.setup();
    const anonymous = setup(makeLayout(), {}, null);
    const first = renderSeatBooking();
    await user.click(await screen.findByTestId('seat-3'));
    await user.click(seatEl(1));
    await user.click(seatEl(2));
    await waitFor(() => expect(screen.getByTestId('hold-button')).toHaveTextContent('Sign in to hold'));
    await user.click(screen.getByTestId('hold-button'));
    expect(await screen.findByText('Login page')).toBeInTheDocument();
    expect(anonymous.calls('POST', '/api/hold-seat/')).toHaveLength(0);
    first.unmount();

    // Signed in now; meanwhile someone else took A2.
    resetHallLayoutCache();
    const { server, calls } = setup(makeLayout({}, { 2: { status: 'held' } }), {
      '/api/hold-seat/': (req) => {
        const ids = (req.body as { seat_ids: number[] }).seat_ids;
        server.updateSeats(ids, { status: 'held', held_by_me: true, held_until: inSeconds(300) });
        return json(200, { detail: 'Held', held_until: inSeconds(300), seat_ids: ids });
      },
    });
    renderSeatBooking();
    await waitFor(() => expect(seatEl(3)).toHaveAttribute('aria-pressed', 'true'));
    expect(seatEl(1)).toHaveAttribute('aria-pressed', 'true');
    expect(seatEl(2)).toHaveAttribute('aria-pressed', 'false');
    expect(screen.getByTestId('selected-seats')).toHaveTextContent('A1, A3');
    expect(screen.getByText(/still selected: A3 and A1.*A2 was taken by someone else/)).toBeInTheDocument();
    expect(window.sessionStorage.length).toBe(0); // restored once, then forgotten

    await waitFor(() => expect(screen.getByTestId('hold-button')).toHaveTextContent('Hold 2 seats'));
    await user.click(screen.getByTestId('hold-button'));
    expect(await screen.findByTestId('countdown')).toBeInTheDocument();
    expect(calls('POST', '/api/hold-seat/')[0]!.body).toEqual({ show_id: 1, seat_ids: [1, 3] });
  });

  it('restores a kept selection only within the hold limit, counting seats already held', async () => {
    window.sessionStorage.setItem('boxoffice:seat-selection:1', JSON.stringify([1, 2, 3]));
    setup(
      makeLayout({ max_seats_per_hold: 3 }, { 12: { status: 'held', held_by_me: true, held_until: inSeconds(300) } }),
    );
    renderSeatBooking();
    await waitFor(() => expect(seatEl(1)).toHaveAttribute('aria-pressed', 'true'));
    expect(seatEl(2)).toHaveAttribute('aria-pressed', 'true');
    expect(seatEl(3)).toHaveAttribute('aria-pressed', 'false');
    expect(screen.getByText(/A3 was left out: you can hold up to 3 seats/)).toBeInTheDocument();
    expect(window.sessionStorage.length).toBe(0);
  });

  it('does not restore a selection kept for another show', async () => {
    window.sessionStorage.setItem('boxoffice:seat-selection:2', JSON.stringify([1]));
    setup();
    renderSeatBooking();
    expect(await screen.findByTestId('seat-1')).toHaveAttribute('aria-pressed', 'false');
    expect(window.sessionStorage.getItem('boxoffice:seat-selection:2')).toBe('[1]');
  });

  it('shows not found for an unknown show', async () => {
    mockFetch((req) =>
      req.url === '/api/auth/me/' ? json(200, { id: 1, username: 'demo' }) : json(404, { detail: 'Not found.', code: 'not_found' }),
    );
    renderSeatBooking();
    expect(await screen.findByRole('heading', { name: 'Show not found' })).toBeInTheDocument();
  });
});
