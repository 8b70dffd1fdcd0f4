import { api } from '@/lib/api-client';
import type { HoldResponse, ReleaseResponse } from '@/types/api';

export interface SeatsInput {
  showId: number;
  seatIds: number[];
}

export function holdSeats({ showId, seatIds }: SeatsInput): Promise<HoldResponse> {
  return api.post<HoldResponse>('/api/hold-seat/', { show_id: showId, seat_ids: seatIds });
}

export function releaseSeats({ showId, seatIds }: SeatsInput): Promise<ReleaseResponse> {
  return api.post<ReleaseResponse>('/api/release-seat/', { show_id: showId, seat_ids: seatIds });
}
