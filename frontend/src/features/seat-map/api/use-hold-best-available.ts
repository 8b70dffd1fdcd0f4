import { api } from '@/lib/api-client';
import type { BestAvailableRequest, BestAvailableResponse } from '@/types/api';
import { useSeatMutation } from './seat-mutation';

export interface BestAvailableInput {
  showId: number;
  /** The party's size. */
  quantity: number;
  /** Only seats of this category (an id of the layout's); any category the show sells when left out. */
  category?: number;
  /** A block with a wheelchair space (and companion seats). */
  accessible?: boolean;
}

export function holdBestAvailable({ showId, quantity, category, accessible = false }: BestAvailableInput): Promise<BestAvailableResponse> {
  const body: BestAvailableRequest = { show_id: showId, quantity, accessible, ...(category === undefined ? {} : { category }) };
  return api.post<BestAvailableResponse>('/api/hold-best-available/', body);
}

/** The server picks the seats and holds them: they show as mine at once, like a hold of my own picking. */
export function useHoldBestAvailable() {
  return useSeatMutation({
    mutationFn: holdBestAvailable,
    patch: (res) => ({
      seatIds: res.seat_ids,
      change: (s) => ({ ...s, status: 'held', held_by_me: true, held_until: res.held_until }),
      fresh: false,
    }),
  });
}
