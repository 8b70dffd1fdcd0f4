import { useQuery } from '@tanstack/react-query';
import { api, asList } from '@/lib/api-client';
import type { Show } from '@/types/api';

export async function getShows(): Promise<Show[]> {
  return asList<Show>(await api.get<unknown>('/api/shows/'));
}

export function useShows() {
  return useQuery({
    queryKey: ['shows'],
    queryFn: getShows,
    // Availability counts stay fresh without hammering the server.
    refetchInterval: 15_000,
    refetchIntervalInBackground: false,
  });
}
