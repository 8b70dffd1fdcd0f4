import type { FormEvent } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import type { UseMutationResult } from '@tanstack/react-query';

/** Only allow in-app redirects after sign-in. */
export function safeNext(next: string | null): string {
  if (next && next.startsWith('/') && !next.startsWith('//')) return next;
  return '/';
}

/**
 * The part every auth form shares: the safe `?next=` target, a submit handler that
 * ignores repeats while the mutation is in flight and goes to `next` on success.
 */
export function useAuthSubmit<TData, TError, TInput, TContext>(
  mutation: UseMutationResult<TData, TError, TInput, TContext>,
  input: () => TInput,
) {
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const navigate = useNavigate();

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (mutation.isPending) return;
    mutation.mutate(input(), { onSuccess: () => void navigate(next, { replace: true }) });
  };

  return { next, onSubmit, error: mutation.error, pending: mutation.isPending };
}
