import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { json, mockFetch, renderWithProviders } from '@/testing/test-utils';
import { BookingList } from './booking-list';

describe('BookingList', () => {
  it('shows references and seats, falling back to ids when details are missing', async () => {
    mockFetch(() =>
      json(200, [
        {
          reference: 'BX-1',
          show_id: 3,
          seat_ids: [10, 11],
          created_at: '2030-01-01T10:00:00Z',
          movie_title: 'Alpha',
          starts_at: '2030-01-02T20:00:00Z',
          hall_name: 'Hall 1',
          venue_name: 'Grand',
          seats: [
            { id: 10, row: 'C', number: 7 },
            { id: 11, row: 'C', number: 8 },
          ],
        },
        { reference: 'BX-2', show_id: 4, seat_ids: [99], created_at: '2030-01-01T11:00:00Z' },
      ]),
    );
    renderWithProviders(<BookingList />);
    const first = await screen.findByTestId('booking-BX-1');
    expect(first).toHaveTextContent('Alpha');
    expect(first).toHaveTextContent('Row C, seat 7; Row C, seat 8');
    const second = screen.getByTestId('booking-BX-2');
    expect(second).toHaveTextContent('Show #4');
    expect(second).toHaveTextContent('Seat #99');
  });

  it('has an empty state', async () => {
    mockFetch(() => json(200, []));
    renderWithProviders(<BookingList />);
    expect(await screen.findByText('No bookings yet')).toBeInTheDocument();
  });
});
