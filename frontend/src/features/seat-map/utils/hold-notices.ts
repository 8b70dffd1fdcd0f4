// What to say about the hall's seating rules: a hold that would strand a seat, a companion seat held
// alone, and what best available found (or did not).
import { listSeats } from '@/lib/format';
import type { BestAvailableResponse } from '@/types/api';
import type { Notice } from './notice';

/** Labels a set of seats ("F7–F10", "F7–F8 and G7–G8"). */
export type BlockLabeller = (ids: number[]) => string;

/**
 * `orphan_seat`: say which seat would be left alone and offer the server's suggestion as one click
 * (`take` holds exactly those seats).
 */
export function orphanNotice(
  { alone, suggestion }: { alone: number[]; suggestion: number[] },
  { labelsFor, blockLabel, take }: { labelsFor: (ids: number[]) => string[]; blockLabel: BlockLabeller; take: (ids: number[]) => void },
): Notice {
  const seat = alone.length ? listSeats(labelsFor(alone)) : 'a seat';
  const text = `That would leave ${seat} as a single seat on its own, which this show does not allow. Nothing was held.`;
  if (!suggestion.length) return { kind: 'conflict', text: `${text} Pick seats right next to it, or at the end of a block.` };
  return { kind: 'conflict', text, offer: { label: `Take ${blockLabel(suggestion)} instead`, run: () => take(suggestion) } };
}

/** `companion_seat`: a companion seat goes with its wheelchair space until shortly before the show. */
export function companionNotice(labels: string[]): Notice {
  const which = labels.length ? `${listSeats(labels)} ${labels.length === 1 ? 'is a companion seat' : 'are companion seats'}` : 'Companion seats are';
  return {
    kind: 'conflict',
    text: `${which}, sold together with the wheelchair space next to ${labels.length > 1 ? 'them' : 'it'} until shortly before the show. Select the wheelchair space too, or pick another seat.`,
  };
}

/** Best available held seats: which ones, and gently, if the party is split over two rows. */
export function bestAvailableNotice(res: Pick<BestAvailableResponse, 'seat_ids' | 'fallback'>, blockLabel: BlockLabeller): Notice {
  const seats = blockLabel(res.seat_ids);
  if (res.fallback === 'split_rows') {
    return { kind: 'info', text: `Held ${seats}, in two rows, one behind the other: no ${res.seat_ids.length} seats side by side were free.` };
  }
  return { kind: 'info', text: `Held ${seats}.` };
}

/** `no_block`: nothing fits the party; offer the largest block there is, if any. */
export function noBlockNotice(quantity: number, largest: number, tryFewer: (n: number) => void): Notice {
  if (largest <= 0) return { kind: 'conflict', text: `Sorry, there are no free seats for that choice.` };
  return {
    kind: 'conflict',
    text: `Sorry, there are no ${quantity} seats together for that choice; the most seats together is ${largest}.`,
    offer: { label: `Hold ${largest} together`, run: () => tryFewer(largest) },
  };
}
