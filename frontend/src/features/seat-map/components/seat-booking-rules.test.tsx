import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBackend, json, makeLayout, renderWithProviders, type RecordedRequest } from '@/testing/test-utils';
import { resetHallLayoutCache } from '../api/get-hall-layout';
import { SeatBooking } from './seat-booking';

// Best available and the no-single-seat rule, on the page: what is sent, what shows, where the message is.
const NOW = new Date('2030-01-01T12:00:00Z');
const HELD_UNTIL = new Date(NOW.getTime() + 300_000).toISOString();

function renderSeatBooking() {
  return renderWithProviders(<SeatBooking showId={1} />, { route: '/shows/1', path: '/shows/:showId' });
}

const seatEl = (id: number) => screen.getByTestId(`seat-${id}`);
const dock = () => screen.getByTestId('seat-dock');

/** A backend whose hold endpoints hold what they are asked for (or answer `refuse`). */
function backend(refuse?: (req: RecordedRequest) => Response | undefined, best: number[] = [6, 7]) {
  const fake = fakeBackend(makeLayout(), {
    '/api/hold-seat/': (req) => {
      const refusal = refuse?.(req);
      if (refusal) return refusal;
      const ids = (req.body as { seat_ids: number[] }).seat_ids;
      fake.server.updateSeats(ids, { status: 'held', held_by_me: true, held_until: HELD_UNTIL });
      return json(200, { detail: 'Held', held_until: HELD_UNTIL, seat_ids: ids });
    },
    '/api/hold-best-available/': (req) => {
      const refusal = refuse?.(req);
      if (refusal) return refusal;
      fake.server.updateSeats(best, { status: 'held', held_by_me: true, held_until: HELD_UNTIL });
      return json(200, { detail: 'Seats held.', held_until: HELD_UNTIL, seat_ids: best, fallback: 'none' });
    },
  });
  return fake;
}

describe('SeatBooking: best available and the seat rules', () => {
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

  it('holds the best block, shows it as mine, says which seats in the dock and focuses the action bar', async () => {
    const user = userEvent.setup();
    const { calls } = backend();
    renderSeatBooking();
    await user.click(await screen.findByTestId('seat-1')); // a pick by hand, replaced by best available
    await user.selectOptions(screen.getByRole('combobox', { name: 'Best available:' }), '2');
    await user.click(screen.getByRole('button', { name: 'Hold best seats' }));

    expect(await within(dock()).findByTestId('info-message')).toHaveTextContent('Held B2–B3.');
    expect(calls('POST', '/api/hold-best-available/')[0]!.body).toEqual({ show_id: 1, quantity: 2, accessible: false });
    expect(calls('POST', '/api/hold-best-available/')[0]!.headers.get('X-CSRFToken')).toBe('tok');
    expect(seatEl(6)).toHaveAttribute('data-status', 'held-by-me');
    expect(seatEl(7)).toHaveAttribute('data-status', 'held-by-me');
    expect(seatEl(1)).toHaveAttribute('aria-pressed', 'false');
    expect(screen.getByTestId('held-seats')).toHaveTextContent('B2, B3');
    expect(screen.getByTestId('action-bar-info')).toHaveFocus();
  });

  it('on no_block says how many seats there are together and holds that many in one click', async () => {
    const user = userEvent.setup();
    let refused = false;
    const { calls } = backend((req) => {
      if (refused || req.url !== '/api/hold-best-available/') return undefined;
      refused = true;
      return json(409, { code: 'no_block', largest_block: 2, detail: 'No block.' });
    });
    renderSeatBooking();
    await user.selectOptions(await screen.findByRole('combobox', { name: 'Best available:' }), '4');
    await user.click(screen.getByRole('button', { name: 'Hold best seats' }));

    const message = await within(dock()).findByTestId('conflict-message');
    expect(message).toHaveTextContent('Sorry, there are no 4 seats together for that choice; the most seats together is 2.');
    await user.click(within(message).getByRole('button', { name: 'Hold 2 together' }));
    await waitFor(() => expect(seatEl(6)).toHaveAttribute('data-status', 'held-by-me'));
    expect(calls('POST', '/api/hold-best-available/')[1]!.body).toEqual({ show_id: 1, quantity: 2, accessible: false });
  });

  it('names the seat an orphan refusal would strand and holds exactly the suggested seats in one click', async () => {
    const user = userEvent.setup();
    const { calls } = backend((req) => {
      const ids = (req.body as { seat_ids?: number[] }).seat_ids;
      if (ids?.join() !== '2,3') return undefined;
      return json(409, { code: 'orphan_seat', seat_ids: [1], suggestion: [3, 4], detail: 'That would leave A1 alone.' });
    });
    renderSeatBooking();
    await user.click(await screen.findByTestId('seat-2'));
    await user.click(seatEl(3));
    await user.click(screen.getByTestId('hold-button'));

    const message = await within(dock()).findByTestId('conflict-message');
    expect(message).toHaveTextContent('That would leave A1 as a single seat on its own');
    expect(seatEl(2)).toHaveAttribute('aria-pressed', 'true'); // nothing is lost until the alternative is held
    await user.click(within(message).getByRole('button', { name: 'Take A3–A4 instead' }));

    await waitFor(() => expect(seatEl(4)).toHaveAttribute('data-status', 'held-by-me'));
    expect(calls('POST', '/api/hold-seat/').map((c) => c.body)).toEqual([
      { show_id: 1, seat_ids: [2, 3] },
      { show_id: 1, seat_ids: [3, 4] },
    ]);
    expect(calls('POST', '/api/release-seat/')).toHaveLength(0);
    // The refused picks went with it: A2 is neither held nor still selected.
    expect(seatEl(2)).toHaveAttribute('data-status', 'available');
    expect(seatEl(2)).toHaveAttribute('aria-pressed', 'false');
    expect(screen.getByTestId('held-seats')).toHaveTextContent('A3, A4');
  });

  it('explains a companion seat refused on its own', async () => {
    const user = userEvent.setup();
    backend(() => json(409, { code: 'companion_seat', seat_ids: [2], detail: 'Companion.' }));
    renderSeatBooking();
    await user.click(await screen.findByTestId('seat-2'));
    await user.click(screen.getByTestId('hold-button'));
    expect(await within(dock()).findByTestId('conflict-message')).toHaveTextContent(
      'A2 is a companion seat, sold together with the wheelchair space next to it',
    );
  });

  it('explains wheelchair spaces and companion seats in the legend when the hall has them', async () => {
    fakeBackend(makeLayout({}, { 1: { kind: 'wheelchair' }, 2: { kind: 'companion' } }));
    renderSeatBooking();
    const legend = await screen.findByRole('list', { name: 'Seat legend' });
    expect(within(legend).getByTestId('legend-wheelchair')).toHaveTextContent('Wheelchair space');
    expect(within(legend).getByTestId('legend-companion')).toHaveTextContent('Companion seat');
    // and the control offers a wheelchair space
    expect(screen.getByRole('checkbox', { name: 'Wheelchair space' })).toBeInTheDocument();
  });

  it("shows the start in the venue's time zone, labelled", async () => {
    fakeBackend(makeLayout({ starts_at: '2030-12-14T13:00:00Z', time_zone: 'Asia/Tokyo' }));
    renderSeatBooking();
    const time = await screen.findByTestId('show-time');
    expect(time).toHaveAttribute('title', 'Asia/Tokyo');
    expect(time.textContent).toMatch(/(22:00|10:00\sPM) \((GMT\+9|JST)\)$/);
  });
});
