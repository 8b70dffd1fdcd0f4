import { useQuery } from '@tanstack/react-query';
import { api, asList } from '@/lib/api-client';
import type { BookResponse, Booking } from '@/types/api';

export interface BookInput {
  showId: number;
  seatIds: number[];
  /** Same key for retries of one confirm attempt, fresh for each new attempt. */
  idempotencyKey: string;
}

export function bookSeats({ showId, seatIds, idempotencyKey }: BookInput): Promise<BookResponse> {
  return api.post<BookResponse>(
    '/api/book-seat/',
    { show_id: showId, seat_ids: seatIds },
    { headers: { 'Idempotency-Key': idempotencyKey } },
  );
}

export const bookingsQueryKey = ['bookings'] as const;

export async function getBookings(): Promise<Booking[]> {
  return asList<Booking>(await api.get<unknown>('/api/bookings/'));
}

export function useBookings(enabled = true) {
  return useQuery({ queryKey: bookingsQueryKey, queryFn: getBookings, enabled });
}
