import { describe, expect, it, vi } from 'vitest';
import { createTestQueryClient } from '@/testing/test-utils';
import { onIdentityChange } from './auth';
import { createEtagCache } from './etag-cache';
import { bookingsQueryKey, hallLayoutQueryKey, hallLayoutsQueryKey, meQueryKey } from './query-keys';

describe('onIdentityChange', () => {
  it('stores the new user and forgets everything that was per-user', () => {
    const client = createTestQueryClient();
    const etags = createEtagCache<number, string>(5);
    etags.remember(1, '"v1"', 'layout seen as the old user');
    client.setQueryData(bookingsQueryKey, [{ reference: 'BX-1' }]);
    client.setQueryData(hallLayoutQueryKey(1), { seats: [] });
    const invalidate = vi.spyOn(client, 'invalidateQueries');

    onIdentityChange(client, { id: 2, username: 'bob' });

    expect(client.getQueryData(meQueryKey)).toEqual({ id: 2, username: 'bob' });
    expect(client.getQueryData(bookingsQueryKey)).toBeUndefined();
    expect(invalidate).toHaveBeenCalledWith({ queryKey: hallLayoutsQueryKey });
    expect(etags.get(1)).toBeUndefined();
  });
});
