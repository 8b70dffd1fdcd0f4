import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { formatMoney } from '@/lib/money';
import { formatShowTime, zoneLabel } from '@/lib/zoned-time';
import type { PriceRange, Show } from '@/types/api';
import { json, mockFetch, renderWithProviders } from '@/testing/test-utils';
import { groupShows, ShowList } from './show-list';

const EUR_8_TO_15: PriceRange = { currency: 'EUR', min: '8.50', max: '15.00' };
/** The machine's zone: the venue is where the test runs unless a test says otherwise. */
const LOCAL_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;

function show(
  id: number,
  movieId: number,
  title: string,
  startsAt: string,
  available = 100,
  priceRange: PriceRange | null = EUR_8_TO_15,
  timeZone = LOCAL_ZONE,
): Show {
  return {
    id,
    movie: { id: movieId, title, duration_minutes: 128 },
    hall: { id: 1, name: `Hall ${id}` },
    venue: { id: 1, name: 'Grand Cinema', city: 'Lisbon', time_zone: timeZone },
    starts_at: startsAt,
    ends_at: startsAt,
    counts: { available, held: 2, booked: 8 },
    price_range: priceRange,
  };
}

// Local-time ISO strings so day grouping is independent of the machine's zone.
const local = (y: number, m: number, d: number, h: number) => new Date(y, m - 1, d, h).toISOString();

describe('shows', () => {
  it('groups showtimes by movie, then by local day, in time order', () => {
    const groups = groupShows(
      [
        show(3, 2, 'Beta', local(2030, 1, 2, 18)),
        show(1, 1, 'Alpha', local(2030, 1, 1, 20)),
        show(2, 1, 'Alpha', local(2030, 1, 1, 14)),
        show(4, 1, 'Alpha', local(2030, 1, 2, 10)),
      ],
      new Date(2030, 0, 1, 9),
    );
    expect(groups.map((g) => g.title)).toEqual(['Alpha', 'Beta']);
    expect(groups[0]!.days.map((d) => d.label)).toEqual(['Today', 'Tomorrow']);
    expect(groups[0]!.days[0]!.shows.map((s) => s.id)).toEqual([2, 1]);
    expect(groups[1]!.days[0]!.shows.map((s) => s.id)).toEqual([3]);
  });

  it('lists showtimes with venue, hall and availability linking to the seat map', async () => {
    mockFetch(() => json(200, [show(7, 1, 'Alpha', local(2030, 1, 1, 20), 0), show(8, 1, 'Alpha', local(2030, 1, 1, 22), 42)]));
    renderWithProviders(<ShowList />);
    const alpha = await screen.findByRole('region', { name: 'Alpha' });
    const link = within(alpha).getByTestId('show-8');
    expect(link).toHaveAttribute('href', '/shows/8');
    expect(link).toHaveTextContent('Grand Cinema, Lisbon · Hall 8');
    expect(link).toHaveTextContent('42 available');
    expect(within(alpha).getByTestId('show-7')).toHaveTextContent('Sold out');
  });

  it('shows each showtime\'s cheapest price, "from" when prices differ, nothing when nothing is on sale', async () => {
    const at = local(2030, 1, 1, 20);
    mockFetch(() =>
      json(200, [
        show(1, 1, 'Alpha', at, 10, EUR_8_TO_15),
        show(2, 1, 'Alpha', at, 10, { currency: 'EUR', min: '9.50', max: '9.50' }),
        show(3, 1, 'Alpha', at, 10, { currency: 'JPY', min: '1500', max: '2200' }),
        show(4, 1, 'Alpha', at, 10, null),
      ]),
    );
    renderWithProviders(<ShowList />);
    const from = `from ${formatMoney('8.50', 'EUR')}`;
    expect(await screen.findByTestId('show-price-1')).toHaveTextContent(from);
    expect(screen.getByTestId('show-price-2')).toHaveTextContent(new RegExp(`^${formatMoney('9.50', 'EUR')}$`));
    expect(screen.getByTestId('show-price-3')).toHaveTextContent(`from ${formatMoney('1500', 'JPY')}`);
    expect(screen.queryByTestId('show-price-4')).not.toBeInTheDocument();
    expect(screen.getByTestId('show-4')).not.toHaveTextContent(/from|€/);
    // Said in the link's name too, which replaces its text for screen readers.
    expect(screen.getByTestId('show-1')).toHaveAccessibleName(expect.stringMatching(new RegExp(`, 10 seats available, ${from}$`)));
    expect(screen.getByTestId('show-4')).toHaveAccessibleName(expect.stringMatching(/, 10 seats available$/));
  });
});

describe("showtimes in the venue's time zone", () => {
  it("groups by the venue's day and shows its local time, labelled with its zone", async () => {
    const berlin = 'Europe/Berlin';
    // 23:30 UTC on 14 Dec is 00:30 on the 15th in Berlin: the next day there, whatever the device's zone.
    const groups = groupShows(
      [show(1, 1, 'Alpha', '2030-12-14T19:00:00Z', 10, EUR_8_TO_15, berlin), show(2, 1, 'Alpha', '2030-12-14T23:30:00Z', 10, EUR_8_TO_15, berlin)],
      new Date('2030-12-14T10:00:00Z'),
    );
    expect(groups[0]!.days.map((d) => [d.label, d.shows.map((s) => s.id)])).toEqual([
      ['Today', [1]],
      ['Tomorrow', [2]],
    ]);

    mockFetch(() => json(200, [show(2, 1, 'Alpha', '2030-12-14T23:30:00Z', 10, EUR_8_TO_15, berlin)]));
    renderWithProviders(<ShowList />);
    const link = await screen.findByTestId('show-2');
    // 00:30 in Berlin (as the browser's locale writes it), labelled with Berlin's zone, not the device's.
    const at = '2030-12-14T23:30:00Z';
    expect(link.querySelector('.showtime__time')).toHaveTextContent(`${formatShowTime(at, berlin)} ${zoneLabel(at, berlin)}`);
    expect(formatShowTime(at, berlin)).toMatch(/^(00:30|12:30\s?AM)$/);
    expect(screen.getByTestId('show-zone-2')).toHaveAttribute('title', berlin);
    expect(link).toHaveAccessibleName(expect.stringContaining(`${formatShowTime(at, berlin)} ${zoneLabel(at, berlin)}`));
  });
});
