import { useCallback, useMemo, useRef } from 'react';
import { uuid4 } from '@/lib/uuid';

/**
 * The Idempotency-Key of the current confirm attempt: the same key while the
 * same seats are retried (so a retry can never book twice), a fresh one for
 * other seats or once the attempt has ended (booked, failed for good, expired).
 */
export function useAttemptKey() {
  const attemptRef = useRef<{ key: string; seats: string } | null>(null);
  const keyFor = useCallback((seatIds: number[]) => {
    const seats = seatIds.join(',');
    if (attemptRef.current?.seats !== seats) attemptRef.current = { key: uuid4(), seats };
    return attemptRef.current.key;
  }, []);
  const end = useCallback(() => {
    attemptRef.current = null;
  }, []);
  return useMemo(() => ({ keyFor, end }), [keyFor, end]);
}
