import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '@/lib/api-client';
import { bestAvailableNotice, noBlockNotice } from './hold-notices';
import { noticeForError, type Notice } from './notice';

const labels: Record<number, string> = { 5: 'C5', 6: 'C6', 7: 'C7', 8: 'C8', 9: 'C9', 1: 'A1', 2: 'A2' };
const labelsFor = (ids: number[]) => ids.map((id) => labels[id] ?? `#${id}`);
const blockLabel = (ids: number[]) => (ids.length > 1 ? `${labels[ids[0]!]}–${labels[ids[ids.length - 1]!]}` : labels[ids[0]!]!);
const base = { labelsFor, max: 4, selected: new Set([6, 7]), retry: () => {}, blockLabel };

function offerOf(notice: Notice) {
  return notice.kind === 'conflict' ? notice.offer : undefined;
}

describe('seat rule notices', () => {
  it('names the seat an orphan refusal would strand and offers the suggestion as one click', () => {
    const take = vi.fn();
    const error = new ApiError({ status: 409, code: 'orphan_seat', detail: 'x', seatIds: [5], suggestion: [8, 9] });
    const notice = noticeForError(error, 'hold', { ...base, take });
    expect(notice).toMatchObject({ kind: 'conflict', text: expect.stringContaining('leave C5 as a single seat') });
    expect(offerOf(notice)?.label).toBe('Take C8–C9 instead');
    offerOf(notice)?.run();
    expect(take).toHaveBeenCalledWith([8, 9]);
  });

  it('offers nothing when the server has no suggestion', () => {
    const error = new ApiError({ status: 409, code: 'orphan_seat', detail: 'x', seatIds: [5], suggestion: [] });
    const notice = noticeForError(error, 'hold', { ...base, take: vi.fn() });
    expect(offerOf(notice)).toBeUndefined();
    expect(notice).toMatchObject({ text: expect.stringContaining('Pick seats right next to it') });
  });

  it('explains a companion seat', () => {
    const error = new ApiError({ status: 409, code: 'companion_seat', detail: 'x', seatIds: [2] });
    expect(noticeForError(error, 'hold', base)).toMatchObject({
      kind: 'conflict',
      text: expect.stringMatching(/^A2 is a companion seat, sold together with the wheelchair space next to it/),
    });
  });

  it('says which seats best available held, and gently when the party sits in two rows', () => {
    expect(bestAvailableNotice({ seat_ids: [8, 9], fallback: 'none' }, blockLabel)).toEqual({ kind: 'info', text: 'Held C8–C9.' });
    expect(bestAvailableNotice({ seat_ids: [8, 9], fallback: 'single_seat' }, blockLabel)).toEqual({ kind: 'info', text: 'Held C8–C9.' });
    expect(bestAvailableNotice({ seat_ids: [8, 9, 1, 2], fallback: 'split_rows' }, () => 'C8–C9 and D8–D9')).toEqual({
      kind: 'info',
      text: 'Held C8–C9 and D8–D9, in two rows, one behind the other: no 4 seats side by side were free.',
    });
  });

  it('on no_block says how many seats there are together and offers to hold those', () => {
    const tryFewer = vi.fn();
    const notice = noBlockNotice(6, 3, tryFewer);
    expect(notice).toMatchObject({ text: 'Sorry, there are no 6 seats together for that choice; the most seats together is 3.' });
    offerOf(notice)?.run();
    expect(tryFewer).toHaveBeenCalledWith(3);
    expect(offerOf(noBlockNotice(2, 0, tryFewer))).toBeUndefined();
  });
});
