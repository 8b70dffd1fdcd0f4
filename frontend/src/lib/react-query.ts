import { QueryClient } from '@tanstack/react-query';
import { isApiError } from './api-client';

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // Client errors (404, 401...) will not fix themselves; retry only
        // network failures and 5xx, a couple of times.
        retry: (failureCount, error) => {
          if (isApiError(error) && !error.isRetryable) return false;
          return failureCount < 2;
        },
        refetchOnWindowFocus: true,
        staleTime: 5_000,
      },
      mutations: {
        retry: false,
      },
    },
  });
}
