// Shapes of the Boxoffice backend API (all datetimes are ISO 8601 UTC strings), named for the app.
// Thin aliases over openapi.gen.ts, which is generated from the backend's OpenAPI schema
// (frontend/openapi.json): never edit either by hand, run `make api-types` (scripts/gen_api_types.sh).
import type { components } from './openapi.gen';

type Schemas = components['schemas'];

/** GET /api/auth/me/. */
export type User = Schemas['User'];
/** POST /api/auth/login/ and /api/auth/register/. */
export type AuthResponse = Schemas['UserWithToken'];

export type SeatCounts = Schemas['SeatCounts'];

/** An item of GET /api/shows/. */
export type Show = Schemas['Showtime'];
/** A show's cheapest and dearest ticket (amounts are decimal strings in the currency's decimals). */
export type PriceRange = Schemas['PriceRange'];

/** A seat of GET /api/hall-layout/{show_id}/. */
export type Seat = Schemas['LayoutSeat'];
export type SeatStatus = Seat['status'];
/** What a seat is for: most are standard; a wheelchair space, or a companion seat next to one. */
export type SeatKind = Seat['kind'];
/** A seat category of the hall layout with its prices for this show (`price: null`: not for sale). */
export type SeatCategory = Schemas['LayoutCategory'];
export type HallLayout = Schemas['HallLayout'];

/** POST /api/hold-seat/. */
export type HoldResponse = Schemas['HoldResult'];
/** The body of POST /api/hold-best-available/. */
export type BestAvailableRequest = Schemas['BestAvailableRequest'];
/** POST /api/hold-best-available/: the seats it held, and how far it had to settle (`fallback`). */
export type BestAvailableResponse = Schemas['BestAvailableResult'];
/** POST /api/release-seat/. */
export type ReleaseResponse = Schemas['ReleaseResult'];

/** An item of GET /api/bookings/: the booking with its show, seats and payment spelled out. */
export type Booking = BookingDetail;
/** The booking POST /api/book-seat/ answers with: ids only, no show or seat details. */
export type BookingSummary = Schemas['BookingSummary'];
/** POST /api/book-seat/. */
export type BookResponse = Schemas['BookResult'];

/** A ticket type's price for a category (`LayoutCategory.prices`). */
export type TicketPrice = Schemas['LayoutPrice'];

/** POST /api/orders/, GET /api/orders/{reference}/ and POST /api/orders/{reference}/pay/. */
export type Order = Schemas['Order'];
export type OrderStatus = Schemas['OrderStatusEnum'];
/** One seat of an order: its ticket type and price, fixed when the order was made. */
export type OrderLine = Schemas['OrderLine'];
/** The body of POST /api/orders/. */
export type CreateOrderRequest = Schemas['OrderCreateRequest'];
/** A seat of an order request (`ticket_type_id` omitted: the category's listed price). */
export type OrderSeatRequest = Schemas['OrderSeatRequest'];
/** The body of POST /api/orders/{reference}/pay/. */
export type PayRequest = Schemas['PayRequest'];
export type PaymentMethod = Schemas['MethodEnum'];
/** What the test provider's card form sends. */
export type CardDetails = Schemas['CardRequest'];

/** A seat of a booking (`BookingDetail.seats`), cancelled ones included. */
export type BookedSeat = Schemas['BookedSeat'];
/** How a booking was paid (its order): `box_office` is to pay on arrival; `cancelled`: every seat cancelled. */
export type BookingPayment = Schemas['BookingPayment'];
/** An item of GET /api/bookings/. */
export type BookingDetail = Schemas['BookingDetail'];
/** The body of POST /api/bookings/{reference}/cancel/ (`seat_ids` omitted: the whole booking). */
export type CancelRequest = Schemas['CancelRequest'];
/** POST /api/bookings/{reference}/cancel/. */
export type CancelResult = Schemas['CancelResult'];
