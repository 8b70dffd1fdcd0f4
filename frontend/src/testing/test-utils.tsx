import type { ReactElement, ReactNode } from 'react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import { MemoryRouter, Route, Routes } from 'react-router';
import { vi } from 'vitest';
import { sumAmounts } from '@/lib/money';
import type { HallLayout, Order, Seat, SeatCategory, TicketPrice } from '@/types/api';

export interface RecordedRequest {
  url: string;
  method: string;
  headers: Headers;
  body: unknown;
}

export type FetchHandler = (req: RecordedRequest) => Response | Promise<Response>;

/** Replace global fetch with a handler; returns the list of requests seen. */
export function mockFetch(handler: FetchHandler) {
  const requests: RecordedRequest[] = [];
  const fn = vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const req: RecordedRequest = {
      url,
      method: (init.method ?? 'GET').toUpperCase(),
      headers: new Headers(init.headers),
      body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined,
    };
    requests.push(req);
    return handler(req);
  });
  vi.stubGlobal('fetch', fn);
  return { fn, requests, calls: (method: string, path: string) => requests.filter((r) => r.method === method && r.url === path) };
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });
}

/** Every seat is of this category unless a test says otherwise. */
export const STANDARD_CATEGORY_ID = 1;

export function seat(id: number, row: string, number: number, extra: Partial<Seat> = {}): Seat {
  return {
    id,
    row,
    number,
    // A plain hall unless a test shapes it: the seat stands where its number says, one segment a row.
    column: number,
    segment: 1,
    kind: 'standard',
    category: STANDARD_CATEGORY_ID,
    status: 'available',
    held_by_me: false,
    held_until: null,
    booked_by_me: false,
    ...extra,
  };
}

/**
 * A category sold at `price` for the default ticket type (Adult, id 1), and at `others` for more
 * ticket types; `price: null`: not for sale.
 */
export function category(
  id: number,
  name: string,
  price: string | null,
  colour = '#3b82f6',
  others: TicketPrice[] = [],
): SeatCategory {
  return {
    id,
    name,
    colour,
    price,
    prices: price === null ? [] : [{ ticket_type_id: 1, ticket_type: 'Adult', amount: price }, ...others],
  };
}

/**
 * Rows A..C, seats 1..4: ids 1-4 are A1-A4, 5-8 B1-B4, 9-12 C1-C4, all "Standard" at €10.00
 * unless `overrides` bring their own `categories`.
 */
export function makeLayout(overrides: Partial<HallLayout> = {}, seatOverrides: Record<number, Partial<Seat>> = {}): HallLayout {
  const seats: Seat[] = [];
  let id = 1;
  for (const row of ['A', 'B', 'C']) {
    for (let n = 1; n <= 4; n++) {
      seats.push(seat(id, row, n, seatOverrides[id]));
      id++;
    }
  }
  const counts = { available: 0, held: 0, booked: 0 };
  for (const s of seats) counts[s.status] += 1;
  return {
    show_id: 1,
    hall_name: 'Hall 1',
    venue_name: 'Grand Cinema',
    movie_title: 'The Test Movie',
    starts_at: '2030-01-01T20:00:00Z',
    hold_ttl_seconds: 600,
    max_seats_per_hold: 4,
    box_office_payment: true,
    time_zone: 'UTC',
    prevent_orphans: false,
    counts,
    currency: 'EUR',
    categories: [category(STANDARD_CATEGORY_ID, 'Standard', '10.00')],
    seats,
    ...overrides,
  };
}

export function createTestQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: { retry: false, gcTime: Infinity },
      mutations: { retry: false },
    },
  });
}

export function renderWithProviders(
  ui: ReactElement,
  { route = '/', path = '/', client = createTestQueryClient() }: { route?: string; path?: string; client?: QueryClient } = {},
) {
  const Wrapper = ({ children }: { children: ReactNode }) => (
    <QueryClientProvider client={client}>
      <MemoryRouter initialEntries={[route]}>
        <Routes>
          <Route path={path} element={children} />
          <Route path="/login" element={<p>Login page</p>} />
        </Routes>
      </MemoryRouter>
    </QueryClientProvider>
  );
  return { client, ...render(ui, { wrapper: Wrapper }) };
}

/** An order as the API answers it: one line per seat, its total summed from the lines. */
export function makeOrder(overrides: Partial<Order> = {}): Order {
  const lines = overrides.lines ?? [
    { seat_id: 1, row: 'A', number: 1, category: 'Standard', ticket_type_id: 1, ticket_type: 'Adult', amount: '10.00' },
  ];
  return {
    reference: 'ORD1234567',
    status: 'pending',
    show_id: 1,
    currency: 'EUR',
    total: sumAmounts(lines.map((l) => l.amount)),
    amount_paid: '0.00',
    amount_refunded: '0.00',
    expires_at: '2030-01-01T12:05:00Z',
    created_at: '2030-01-01T12:00:00Z',
    booking_reference: null,
    lines,
    ...overrides,
  };
}

export type Handler = (req: RecordedRequest) => Response | Promise<Response>;

/**
 * A tiny fake backend for show 1: the layout is mutable server state, polled with ETags; `handlers`
 * answer other URLs (anything else is a 500); `me: null` is signed out.
 */
export function fakeBackend(
  initial: HallLayout = makeLayout(),
  handlers: Record<string, Handler> = {},
  me: unknown = { id: 1, username: 'demo' },
) {
  let layout = initial;
  let version = 1;
  const server = {
    get layout() {
      return layout;
    },
    setLayout(next: HallLayout) {
      layout = next;
      version += 1;
    },
    updateSeats(ids: number[], patch: Partial<Seat>) {
      server.setLayout({ ...layout, seats: layout.seats.map((s) => (ids.includes(s.id) ? { ...s, ...patch } : s)) });
    },
  };
  const api = mockFetch((req) => {
    if (req.url === '/api/auth/me/') return me ? json(200, me) : json(403, { detail: 'Not signed in', code: 'not_authenticated' });
    if (req.url === '/api/hall-layout/1/') {
      const etag = `"v${version}"`;
      if (req.headers.get('If-None-Match') === etag) return new Response(null, { status: 304, headers: { ETag: etag } });
      return json(200, layout, { ETag: etag });
    }
    const handler = handlers[req.url];
    if (handler) return handler(req);
    return json(500, { detail: 'unexpected', code: 'error' });
  });
  return { server, ...api };
}
