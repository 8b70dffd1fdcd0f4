import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError, api, apiFetch } from './api-client';
import { json, mockFetch } from '@/testing/test-utils';

describe('api client', () => {
  beforeEach(() => {
    document.cookie = 'csrftoken=tok-123; path=/';
  });

  it('sends JSON with the CSRF token on unsafe methods, same-origin credentials', async () => {
    const { requests, fn } = mockFetch(() => json(200, { ok: true }));
    await api.post('/api/hold-seat/', { show_id: 1, seat_ids: [2] });
    expect(requests[0]!.headers.get('X-CSRFToken')).toBe('tok-123');
    expect(requests[0]!.headers.get('Content-Type')).toBe('application/json');
    expect(requests[0]!.body).toEqual({ show_id: 1, seat_ids: [2] });
    expect(fn.mock.calls[0]![1]).toMatchObject({ credentials: 'same-origin', method: 'POST' });
  });

  it('does not send the CSRF token on GET', async () => {
    const { requests } = mockFetch(() => json(200, []));
    await api.get('/api/shows/');
    expect(requests[0]!.headers.get('X-CSRFToken')).toBeNull();
  });

  it('turns error bodies into a typed ApiError', async () => {
    mockFetch(() => json(409, { detail: 'Taken', code: 'seat_unavailable', seat_ids: [3, 4] }));
    const error = await api.post('/api/hold-seat/', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 409, code: 'seat_unavailable', detail: 'Taken', seatIds: [3, 4] });
  });

  it("keeps an orphan refusal's suggestion and a no_block refusal's largest block", async () => {
    mockFetch(() => json(409, { detail: 'Alone', code: 'orphan_seat', seat_ids: [5], suggestion: [8, 9] }));
    const orphan = (await api.post('/api/hold-seat/', {}).catch((e: unknown) => e)) as ApiError;
    expect(orphan).toMatchObject({ code: 'orphan_seat', seatIds: [5], suggestion: [8, 9], largestBlock: undefined });
    mockFetch(() => json(409, { detail: 'None', code: 'no_block', largest_block: 2 }));
    const none = (await api.post('/api/hold-best-available/', {}).catch((e: unknown) => e)) as ApiError;
    expect(none).toMatchObject({ code: 'no_block', largestBlock: 2, suggestion: undefined });
  });

  it('keeps per-field errors and copes with non-JSON error pages', async () => {
    mockFetch(() => json(400, { detail: 'Invalid', code: 'invalid', errors: { username: ['Taken.'] } }));
    const e1 = (await api.post('/api/auth/register/', {}).catch((e: unknown) => e)) as ApiError;
    expect(e1.errors).toEqual({ username: ['Taken.'] });

    mockFetch(() => json(400, { detail: 'Invalid', code: 'invalid', errors: { card: { number: ['Too short.'], cvc: ['Bad.'] } } }));
    const nested = (await api.post('/api/orders/X/pay/', {}).catch((e: unknown) => e)) as ApiError;
    expect(nested.errors).toEqual({ 'card.number': ['Too short.'], 'card.cvc': ['Bad.'] });

    mockFetch(() => new Response('<h1>CSRF verification failed</h1>', { status: 403 }));
    const e2 = (await api.post('/api/hold-seat/', {}).catch((e: unknown) => e)) as ApiError;
    expect(e2).toMatchObject({ status: 403, code: 'http_403' });
    expect(e2.isAuthError).toBe(true);
  });

  it('maps network failures to status 0', async () => {
    vi.stubGlobal('fetch', vi.fn(() => Promise.reject(new TypeError('Failed to fetch'))));
    const error = (await api.get('/api/shows/').catch((e: unknown) => e)) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(0);
    expect(error.code).toBe('network_error');
    expect(error.isRetryable).toBe(true);
  });

  it('resolves 304 without a body', async () => {
    mockFetch(() => new Response(null, { status: 304 }));
    const res = await apiFetch('/api/hall-layout/1/', { headers: { 'If-None-Match': '"v1"' } });
    expect(res.status).toBe(304);
    expect(res.data).toBeUndefined();
  });
});
