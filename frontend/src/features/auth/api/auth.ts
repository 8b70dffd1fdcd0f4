import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { onIdentityChange } from '@/lib/auth';
import type { AuthResponse } from '@/types/api';

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
