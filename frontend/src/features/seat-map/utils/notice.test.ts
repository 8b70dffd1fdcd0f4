import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '@/lib/api-client';
import { noticeForError, notForSaleNotice, restoredSelectionNotice, seatsTakenNotice, type NoticeContext } from './notice';

const conflict = (code: string, seatIds?: number[], detail = 'Conflict.') => new ApiError({ status: 409, code, detail, seatIds });

function context(overrides: Partial<NoticeContext> = {}): NoticeContext {
  return {
    labelsFor: (ids) => ids.map((id) => `A${id}`),
    max: 4,
    selected: new Set<number>(),
    retry: vi.fn(),
    ...overrides,
  };
}

describe('noticeForError', () => {
  it('offers a retry for network failures and 5xx, naming what did not happen', () => {
    const ctx = context();
    const offline = new ApiError({ status: 0, code: 'network_error', detail: 'offline' });
    expect(noticeForError(offline, 'hold', ctx)).toEqual({
      kind: 'error',
      text: 'We could not reach the server, so your seats were not held. Please try again.',
      retry: ctx.retry,
    });
    const broken = new ApiError({ status: 503, code: 'error', detail: 'down' });
    expect(noticeForError(broken, 'book', ctx)).toMatchObject({
      text: 'The server had a problem, so your seats were not booked. Please try again.',
      retry: ctx.retry,
    });
    expect(noticeForError(broken, 'release', ctx)).toMatchObject({ text: expect.stringContaining('not released') });
  });

  it('shows the message of errors that are not API errors, with a retry', () => {
    const ctx = context();
    expect(noticeForError(new Error('Boom'), 'hold', ctx)).toEqual({ kind: 'error', text: 'Boom', retry: ctx.retry });
    expect(noticeForError('weird', 'hold', ctx)).toMatchObject({ text: 'Something went wrong.' });
  });

  it('asks to sign in on 401 and 403', () => {
    for (const status of [401, 403]) {
      expect(noticeForError(new ApiError({ status, code: 'x', detail: 'No' }), 'hold', context())).toEqual({ kind: 'auth' });
    }
  });

  it('names the taken seats and says whether the rest of the selection is kept', () => {
    const kept = noticeForError(conflict('seat_unavailable', [2]), 'hold', context({ selected: new Set([1, 2]) }));
    expect(kept).toEqual({
      kind: 'conflict',
      text: 'Sorry, A2 was just taken by someone else. The rest of your selection is kept — hold again to continue.',
    });
    const none = noticeForError(conflict('seat_unavailable', [2, 3]), 'hold', context({ selected: new Set([2, 3]) }));
    expect(none).toMatchObject({ text: 'Sorry, A2 and A3 were just taken by someone else.' });
    expect(noticeForError(conflict('seat_unavailable'), 'hold', context())).toMatchObject({
      text: 'Sorry, some of those seats were just taken by someone else.',
    });
  });

  it('explains lapsed holds, the hold limit and a started show, without a retry', () => {
    const ctx = context({ max: 6 });
    expect(noticeForError(conflict('not_held', [3]), 'book', ctx)).toEqual({
      kind: 'conflict',
      text: 'Your hold on A3 has expired or was released, so it could not be booked. Nothing was charged.',
    });
    expect(noticeForError(conflict('not_held', [3, 4]), 'book', ctx)).toMatchObject({ text: expect.stringContaining('so they could') });
    expect(noticeForError(conflict('not_held'), 'book', ctx)).toMatchObject({
      text: 'Your hold has expired, so the seats could not be booked. Nothing was charged.',
    });
    expect(noticeForError(conflict('hold_limit'), 'hold', ctx)).toMatchObject({ text: 'You can hold at most 6 seats for this show.' });
    const started = noticeForError(conflict('show_started'), 'hold', ctx);
    expect(started).toMatchObject({ text: 'This show has already started, so seats can no longer be held or booked.' });
    expect(started).not.toHaveProperty('retry');
  });

  it('says which seats the show does not sell, without a retry', () => {
    const ctx = context({ selected: new Set([1, 2, 3]) });
    expect(noticeForError(conflict('category_not_sold', [2]), 'hold', ctx)).toEqual({
      kind: 'conflict',
      text: 'A2 is not on sale for this show, so nothing was held. The rest of your selection is kept — hold again to continue.',
    });
    expect(noticeForError(conflict('category_not_sold', [1, 2, 3]), 'hold', ctx)).toEqual({
      kind: 'conflict',
      text: 'A1, A2 and A3 are not on sale for this show, so nothing was held.',
    });
    expect(noticeForError(conflict('category_not_sold'), 'hold', ctx)).toMatchObject({
      text: 'Some of those seats are not on sale for this show, so nothing was held.',
    });
  });

  it('lets a lock timeout be retried, and falls back to the server text for other conflicts', () => {
    const ctx = context();
    expect(noticeForError(conflict('lock_timeout'), 'book', ctx)).toEqual({
      kind: 'conflict',
      text: 'The hall is very busy right now and nothing was changed. Please try again.',
      retry: ctx.retry,
    });
    expect(noticeForError(conflict('something_new', [], 'Server says no.'), 'hold', ctx)).toEqual({
      kind: 'conflict',
      text: 'Server says no.',
    });
  });

  it('shows other client errors as they are, without a retry', () => {
    const notFound = new ApiError({ status: 404, code: 'not_found', detail: 'Not found.' });
    expect(noticeForError(notFound, 'hold', context())).toEqual({ kind: 'error', text: 'Not found.' });
  });
});

describe('seatsTakenNotice', () => {
  it('says which selected seats others took', () => {
    expect(seatsTakenNotice(['A4'])).toEqual({
      kind: 'conflict',
      text: 'A4 was just taken by someone else and removed from your selection.',
    });
    expect(seatsTakenNotice(['A1', 'A2'])).toMatchObject({ text: expect.stringMatching(/^A1 and A2 were just taken/) });
  });
});

describe('notForSaleNotice', () => {
  it('says which selected seats the show stopped selling', () => {
    expect(notForSaleNotice(['B1'])).toEqual({
      kind: 'conflict',
      text: 'B1 is no longer on sale for this show and was removed from your selection.',
    });
    expect(notForSaleNotice(['B1', 'B2'])).toMatchObject({
      text: 'B1 and B2 are no longer on sale for this show and were removed from your selection.',
    });
  });
});

describe('restoredSelectionNotice', () => {
  it('says which kept seats are selected again and why the others are not', () => {
    expect(restoredSelectionNotice({ restored: ['A1', 'A2'], taken: [], leftOut: [] }, 4)).toEqual({
      kind: 'info',
      text: 'The seats you picked are still selected: A1 and A2. Hold them to keep them while you pay.',
    });
    expect(restoredSelectionNotice({ restored: ['A1'], taken: ['A2', 'A3'], leftOut: ['A4'] }, 2)).toEqual({
      kind: 'info',
      text:
        'The seats you picked are still selected: A1. Hold them to keep them while you pay.' +
        ' A2 and A3 were taken by someone else in the meantime. A4 was left out: you can hold up to 2 seats for this show.',
    });
  });

  it('is a conflict when none came back, and nothing when nothing was kept', () => {
    expect(restoredSelectionNotice({ restored: [], taken: ['A2'], leftOut: [] }, 4)).toEqual({
      kind: 'conflict',
      text: 'A2 was taken by someone else in the meantime.',
    });
    expect(restoredSelectionNotice({ restored: [], taken: [], leftOut: [] }, 4)).toBeNull();
  });
});
