import { describe, expect, it } from 'vitest';
import type { BookedSeat, BookingPayment } from '@/types/api';
import { liveSeats, owedAtBoxOffice, refundPreview, seatsTotal } from './money';

const seat = (id: number, amount: string | null, cancelled_at: string | null = null): BookedSeat => ({
  id,
  row: 'C',
  number: id,
  amount,
  cancelled_at,
});
const payment = (status: BookingPayment['status'], extra: Partial<BookingPayment> = {}): BookingPayment => ({
  status,
  currency: 'EUR',
  total: '26.50',
  amount_paid: status === 'paid' ? '26.50' : '0.00',
  amount_refunded: '0.00',
  ...extra,
});

// 6.50 + 10.00 + 10.00: a float sum of prices like 0.10 + 0.20 is not exact; these sums are.
const seats = [seat(1, '6.50'), seat(2, '10.00'), seat(3, '10.00')];

describe('refundPreview', () => {
  it('gives back exactly what was paid for the chosen seats', () => {
    expect(refundPreview({ seats, payment: payment('paid') }, [1, 2])).toEqual({ kind: 'refund', amount: '16.50', currency: 'EUR' });
    expect(refundPreview({ seats: [seat(1, '0.10'), seat(2, '0.20')], payment: payment('paid') }, [1, 2])).toMatchObject({
      amount: '0.30',
    });
    expect(refundPreview({ seats, payment: payment('paid', { currency: 'JPY' }) }, [])).toMatchObject({ amount: '0' });
  });

  it('leaves out seats already cancelled and seats not chosen', () => {
    const some = [seat(1, '6.50', '2030-01-01T10:00:00Z'), seat(2, '10.00'), seat(3, '10.00')];
    expect(refundPreview({ seats: some, payment: payment('paid') }, [1, 2])).toMatchObject({ amount: '10.00' });
  });

  it('has nothing to give back when nothing was paid', () => {
    expect(refundPreview({ seats, payment: payment('box_office') }, [1, 2])).toEqual({ kind: 'box_office' });
    expect(refundPreview({ seats, payment: null }, [1])).toEqual({ kind: 'unpaid' });
  });

  it('says "what you paid" when a price is missing', () => {
    expect(refundPreview({ seats: [seat(1, null)], payment: payment('paid') }, [1])).toMatchObject({ kind: 'refund', amount: null });
  });
});

describe('owedAtBoxOffice', () => {
  it('is what the seats still booked cost', () => {
    const some = [seat(1, '6.50'), seat(2, '10.00', '2030-01-01T10:00:00Z')];
    expect(owedAtBoxOffice({ seats: some, payment: payment('box_office') })).toBe('6.50');
    expect(owedAtBoxOffice({ seats: some, payment: payment('paid') })).toBeNull();
  });
});

describe('liveSeats and seatsTotal', () => {
  it('keep the seats still booked and sum them exactly', () => {
    const some = [seat(1, '6.50'), seat(2, '10.00', '2030-01-01T10:00:00Z'), seat(3, '3.35')];
    expect(liveSeats({ seats: some }).map((s) => s.id)).toEqual([1, 3]);
    expect(seatsTotal(liveSeats({ seats: some }))).toBe('9.85');
    expect(seatsTotal([seat(1, '1.00'), seat(2, null)])).toBeNull();
  });
});
