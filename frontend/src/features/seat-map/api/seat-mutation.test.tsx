import type { ReactNode } from 'react';
import { QueryClientProvider } from '@tanstack/react-query';
import { act, renderHook, waitFor } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { bookingsQueryKey, hallLayoutQueryKey, meQueryKey } from '@/lib/query-keys';
import type { HallLayout } from '@/types/api';
import { createTestQueryClient, json, makeLayout, makeOrder, mockFetch } from '@/testing/test-utils';
import { getHallLayout, resetHallLayoutCache } from './get-hall-layout';
import { patchLayout } from './seat-mutation';
import { usePayOrder } from './use-pay-order';
import { useHoldSeats } from './use-hold-seats';
import { useReleaseSeats } from './use-release-seats';

const HELD_UNTIL = '2030-01-01T12:05:00Z';

function renderMutation<T>(useHook: () => T) {
  const client = createTestQueryClient();
  client.setQueryData(hallLayoutQueryKey(1), makeLayout({}, { 5: { status: 'held', held_by_me: true, held_until: HELD_UNTIL } }));
  const invalidate = vi.spyOn(client, 'invalidateQueries');
  const wrapper = ({ children }: { children: ReactNode }) => <QueryClientProvider client={client}>{children}</QueryClientProvider>;
  return { client, invalidate, ...renderHook(useHook, { wrapper }) };
}

const layoutOf = (client: ReturnType<typeof createTestQueryClient>) => client.getQueryData<HallLayout>(hallLayoutQueryKey(1))!;
const statusOf = (layout: HallLayout, id: number) => layout.seats.find((s) => s.id === id)!;

describe('patchLayout', () => {
  it('changes only the named seats and recounts', () => {
    const before = makeLayout();
    const after = patchLayout(before, [1, 2], (s) => ({ ...s, status: 'booked' }))!;
    expect(after.counts).toEqual({ available: 10, held: 0, booked: 2 });
    expect(after.seats[2]).toBe(before.seats[2]);
    expect(patchLayout(undefined, [1], (s) => s)).toBeUndefined();
  });
});

describe('seat mutations', () => {
  beforeEach(() => {
    resetHallLayoutCache();
    document.cookie = 'csrftoken=tok; path=/';
  });

  it('hold marks the confirmed seats held by me and polls the layout (keeping the ETag)', async () => {
    mockFetch(() => json(200, { detail: 'Held', held_until: HELD_UNTIL, seat_ids: [2] }));
    const { result, client, invalidate } = renderMutation(useHoldSeats);
    await act(() => result.current.mutateAsync({ showId: 1, seatIds: [1, 2] }));
    expect(statusOf(layoutOf(client), 2)).toMatchObject({ status: 'held', held_by_me: true, held_until: HELD_UNTIL });
    expect(statusOf(layoutOf(client), 1).status).toBe('available'); // the server confirmed A2 only
    expect(invalidate).toHaveBeenCalledWith({ queryKey: hallLayoutQueryKey(1) });
  });

  it('release frees my held seats and refetches in full', async () => {
    const { requests } = mockFetch((req) =>
      req.url === '/api/hall-layout/1/' ? json(200, makeLayout(), { ETag: '"v1"' }) : json(200, { detail: 'Released', seat_ids: [5] }),
    );
    await getHallLayout(1); // an ETag is cached
    const { result, client } = renderMutation(useReleaseSeats);
    await act(() => result.current.mutateAsync({ showId: 1, seatIds: [5] }));
    expect(statusOf(layoutOf(client), 5)).toMatchObject({ status: 'available', held_by_me: false, held_until: null });
    await getHallLayout(1);
    expect(requests.at(-1)!.headers.get('If-None-Match')).toBeNull();
  });

  it('paying an order marks its seats booked by me, refetches the map in full and refreshes my bookings', async () => {
    const line = { seat_id: 5, row: 'B', number: 1, category: 'Standard', ticket_type_id: 1, ticket_type: 'Adult', amount: '10.00' };
    const paid = makeOrder({ status: 'paid', amount_paid: '10.00', booking_reference: 'ORD1234567', lines: [line] });
    const { requests } = mockFetch(() => json(200, paid));
    const { result, client, invalidate } = renderMutation(usePayOrder);
    await act(() => result.current.mutateAsync({ order: paid, payment: { method: 'box_office' } }));
    expect(requests[0]!.url).toBe('/api/orders/ORD1234567/pay/');
    expect(requests[0]!.body).toEqual({ method: 'box_office' });
    expect(statusOf(layoutOf(client), 5)).toMatchObject({ status: 'booked', booked_by_me: true, held_by_me: false, held_until: null });
    expect(layoutOf(client).counts).toEqual({ available: 11, held: 0, booked: 1 });
    expect(invalidate).toHaveBeenCalledWith({ queryKey: bookingsQueryKey });
  });

  it('an order still processing (202) leaves the map alone', async () => {
    mockFetch(() => json(202, makeOrder({ status: 'processing' })));
    const { result, client, invalidate } = renderMutation(usePayOrder);
    await act(() => result.current.mutateAsync({ order: makeOrder(), payment: { method: 'box_office' } }));
    expect(statusOf(layoutOf(client), 5).status).toBe('held');
    expect(invalidate).not.toHaveBeenCalled();
  });

  it('on a sign-in error asks who I am again; on a 409 reloads the map in full', async () => {
    let status = 403;
    mockFetch(() => json(status, { detail: 'No', code: 'x', seat_ids: [1] }));
    const { result, invalidate } = renderMutation(useHoldSeats);
    await act(() => result.current.mutateAsync({ showId: 1, seatIds: [1] }).catch(() => undefined));
    expect(invalidate).toHaveBeenCalledWith({ queryKey: meQueryKey });
    expect(invalidate).not.toHaveBeenCalledWith({ queryKey: hallLayoutQueryKey(1) });

    status = 409;
    invalidate.mockClear();
    await act(() => result.current.mutateAsync({ showId: 1, seatIds: [1] }).catch(() => undefined));
    await waitFor(() => expect(invalidate).toHaveBeenCalledWith({ queryKey: hallLayoutQueryKey(1) }));
    expect(invalidate).not.toHaveBeenCalledWith({ queryKey: meQueryKey });
  });

  it('leaves the cache alone on retryable failures', async () => {
    mockFetch(() => json(503, { detail: 'Down', code: 'error' }));
    const { result, invalidate } = renderMutation(useHoldSeats);
    await act(() => result.current.mutateAsync({ showId: 1, seatIds: [1] }).catch(() => undefined));
    expect(invalidate).not.toHaveBeenCalled();
  });
});
