// Shapes of the Boxoffice backend API (all datetimes are ISO 8601 UTC strings).

export interface User {
  id: number;
  username: string;
}

export interface AuthResponse extends User {
  token?: string;
}

export interface SeatCounts {
  available: number;
  held: number;
  booked: number;
}

export interface Show {
  id: number;
  movie: { id: number; title: string; duration_minutes: number };
  hall: { id: number; name: string };
  venue: { id: number; name: string; city: string };
  starts_at: string;
  ends_at: string;
  counts: SeatCounts;
}

export type SeatStatus = 'available' | 'held' | 'booked';

export interface Seat {
  id: number;
  row: string;
  number: number;
  status: SeatStatus;
  held_by_me: boolean;
  held_until: string | null;
}

export interface HallLayout {
  show_id: number;
  hall_name: string;
  venue_name: string;
  movie_title: string;
  starts_at: string;
  hold_ttl_seconds: number;
  max_seats_per_hold: number;
  counts: SeatCounts;
  seats: Seat[];
}

export interface HoldResponse {
  detail: string;
  held_until: string;
  seat_ids: number[];
}

export interface ReleaseResponse {
  detail: string;
  seat_ids: number[];
}

export interface Booking {
  reference: string;
  show_id: number;
  seat_ids: number[];
  created_at: string;
  movie_title?: string;
  starts_at?: string;
  hall_name?: string;
  venue_name?: string;
  seats?: { id: number; row: string; number: number }[];
}

export interface BookResponse {
  detail: string;
  booking: Booking;
}
