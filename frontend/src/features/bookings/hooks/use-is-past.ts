import { useEffect, useState } from 'react';

// setTimeout takes at most a signed 32-bit delay (~24.8 days); a later deadline is checked again then.
const MAX_DELAY_MS = 2 ** 31 - 1;

/**
 * Whether the moment `iso` has passed; re-renders when it does (e.g. a cancellation cutoff while on screen).
 * A missing or unreadable moment counts as passed.
 */
export function useIsPast(iso: string | null | undefined): boolean {
  const deadline = iso ? Date.parse(iso) : Number.NaN;
  const [now, setNow] = useState(() => Date.now());
  const past = Number.isNaN(deadline) || now >= deadline;
  useEffect(() => {
    if (past) return;
    const id = window.setTimeout(() => setNow(Date.now()), Math.min(Math.max(0, deadline - Date.now()), MAX_DELAY_MS));
    return () => window.clearTimeout(id);
  }, [deadline, past, now]);
  return past;
}
