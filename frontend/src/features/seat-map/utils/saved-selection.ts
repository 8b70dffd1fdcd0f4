import type { Seat } from '@/types/api';

/*
 * Seats picked while signed out, kept in sessionStorage (this tab only) across the
 * trip to the sign-in page, one entry per show, and given back once on return.
 */

const keyFor = (showId: number) => `boxoffice:seat-selection:${showId}`;

/** Keep the picked seats for this show; an empty selection removes what was kept. */
export function saveSelection(showId: number, seatIds: Iterable<number>): void {
  const ids = [...seatIds];
  try {
    if (ids.length) window.sessionStorage.setItem(keyFor(showId), JSON.stringify(ids));
    else window.sessionStorage.removeItem(keyFor(showId));
  } catch {
    // Storage disabled or full: the selection is simply not kept.
  }
}

/** The seat ids kept for this show, in the order picked, and forget them; [] when none or unreadable. */
export function takeSavedSelection(showId: number): number[] {
  let raw: string | null;
  try {
    raw = window.sessionStorage.getItem(keyFor(showId));
    window.sessionStorage.removeItem(keyFor(showId));
  } catch {
    return [];
  }
  if (raw === null) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  return [...new Set(parsed.filter((id): id is number => Number.isSafeInteger(id) && (id as number) > 0))];
}

/**
 * Which kept seats to select again: those still selectable in the current layout, in the
 * order picked, up to `room` (the per-hold limit less seats already held). The rest are
 * `taken` (no longer selectable or gone from the layout) or `leftOut` (over the limit).
 */
export function restorableSelection(
  savedIds: readonly number[],
  seats: readonly Seat[],
  room: number,
  selectable: (seat: Seat) => boolean = (s) => s.status === 'available',
) {
  const available = new Set(seats.filter(selectable).map((s) => s.id));
  const free = savedIds.filter((id) => available.has(id));
  const keep = Math.max(0, room);
  return {
    restored: free.slice(0, keep),
    taken: savedIds.filter((id) => !available.has(id)),
    leftOut: free.slice(keep),
  };
}
