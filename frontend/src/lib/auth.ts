// The signed-in user, shared by every feature and the layout: who-am-I, sign-out,
// and what must be forgotten when the user changes.
import { useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { api, isApiError } from './api-client';
import { forgetAllEtags } from './etag-cache';
import { bookingsQueryKey, hallLayoutsQueryKey, meQueryKey } from './query-keys';
import type { User } from '@/types/api';

export async function getMe(): Promise<User | null> {
  try {
    const me = await api.get<User>('/api/auth/me/');
    return me ? { id: me.id, username: me.username } : null;
  } catch (error) {
    if (isApiError(error) && error.isAuthError) return null;
    throw error;
  }
}

export function useUser() {
  return useQuery({
    queryKey: meQueryKey,
    queryFn: getMe,
    staleTime: 60_000,
    retry: false,
  });
}

/** Who-am-I changed: per-user data (held_by_me, bookings) must be refetched. */
export function onIdentityChange(queryClient: QueryClient, user: User | null) {
  forgetAllEtags();
  queryClient.setQueryData(meQueryKey, user);
  queryClient.removeQueries({ queryKey: bookingsQueryKey });
  void queryClient.invalidateQueries({ queryKey: hallLayoutsQueryKey });
}

export function logout(): Promise<unknown> {
  return api.post('/api/auth/logout/');
}

export function useLogout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: logout,
    onSettled: () => onIdentityChange(queryClient, null),
  });
}
