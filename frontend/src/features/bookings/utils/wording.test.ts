import { describe, expect, it } from 'vitest';
import { formatMoney } from '@/lib/money';
import { ApiError } from '@/lib/api-client';
import { cancelProblem } from './cancel-problems';
import { cancelledText, refundText } from './wording';

const eur = (amount: string) => formatMoney(amount, 'EUR');

describe('refundText', () => {
  it('says the refund before anything is cancelled', () => {
    expect(refundText({ kind: 'refund', amount: '16.50', currency: 'EUR' })).toBe(`You will be refunded ${eur('16.50')}.`);
    expect(refundText({ kind: 'box_office' })).toMatch(/^Nothing to refund: you had not paid yet/);
  });
});

describe('cancelledText', () => {
  it('says how many seats and what was refunded', () => {
    expect(cancelledText({ detail: 'Cancelled.', seat_ids: [1], refund: '10.00', currency: 'EUR' })).toBe(
      `Cancelled 1 seat; ${eur('10.00')} refunded.`,
    );
    expect(cancelledText({ detail: 'Cancelled.', seat_ids: [1, 2], refund: '0.00', currency: 'EUR' })).toBe(
      'Cancelled 2 seats; nothing to refund.',
    );
    expect(cancelledText({ detail: 'Cancelled.', seat_ids: [], refund: '0.00', currency: 'EUR' })).toMatch(/already cancelled/);
  });
});

describe('cancelProblem', () => {
  const error = (status: number, code: string) => new ApiError({ status, code, detail: 'Server says no.' });

  it('explains each refusal, and which ones are worth another try', () => {
    expect(cancelProblem(error(409, 'cancellation_closed'))).toEqual({
      text: expect.stringContaining('too late to cancel online') as string,
      retryable: false,
    });
    expect(cancelProblem(error(409, 'lock_timeout'))).toMatchObject({ retryable: true });
    expect(cancelProblem(error(429, 'throttled'))).toMatchObject({ retryable: true });
    expect(cancelProblem(error(0, 'network_error')).text).toMatch(/could not reach the server, so nothing was cancelled/i);
    expect(cancelProblem(error(404, 'seat_not_found'))).toMatchObject({ retryable: false });
    expect(cancelProblem(error(400, 'invalid')).text).toBe('Server says no. Nothing was cancelled.');
  });
});
