import { useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { api, isApiError } from '@/lib/api-client';
import type { AuthResponse, User } from '@/types/api';
import { resetHallLayoutCache } from '@/features/seat-map/api/get-hall-layout';

export const meQueryKey = ['auth', 'me'] as const;

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

export interface Credentials {
  username: string;
  password: string;
}

export interface RegisterInput extends Credentials {
  email?: string;
}

export function login(input: Credentials): Promise<AuthResponse> {
  return api.post<AuthResponse>('/api/auth/login/', input);
}

export function register(input: RegisterInput): Promise<AuthResponse> {
  const body: RegisterInput = { username: input.username, password: input.password };
  if (input.email) body.email = input.email;
  return api.post<AuthResponse>('/api/auth/register/', body);
}

export function logout(): Promise<unknown> {
  return api.post('/api/auth/logout/');
}

/** Who-am-I changed: per-user data (held_by_me, bookings) must be refetched. */
function onIdentityChange(queryClient: QueryClient, user: User | null) {
  resetHallLayoutCache();
  queryClient.setQueryData(meQueryKey, user);
  queryClient.removeQueries({ queryKey: ['bookings'] });
  void queryClient.invalidateQueries({ queryKey: ['hall-layout'] });
}

export function useLogin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: login,
    onSuccess: (data) => onIdentityChange(queryClient, { id: data.id, username: data.username }),
  });
}

export function useRegister() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: register,
    onSuccess: (data) => onIdentityChange(queryClient, { id: data.id, username: data.username }),
  });
}

export function useLogout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: logout,
    onSettled: () => onIdentityChange(queryClient, null),
  });
}
