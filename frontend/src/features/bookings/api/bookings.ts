import { useQuery } from '@tanstack/react-query';
import { api, asList } from '@/lib/api-client';
import { bookingsQueryKey } from '@/lib/query-keys';
import type { Booking } from '@/types/api';

export async function getBookings(): Promise<Booking[]> {
  return asList<Booking>(await api.get<unknown>('/api/bookings/'));
}

export function useBookings(enabled = true) {
  return useQuery({ queryKey: bookingsQueryKey, queryFn: getBookings, enabled });
}
