import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeLayout } from '@/testing/test-utils';
import { restorableSelection, saveSelection, takeSavedSelection } from './saved-selection';

afterEach(() => {
  window.sessionStorage.clear();
});

describe('saveSelection / takeSavedSelection', () => {
  it('keeps the selection per show, in the order picked, and forgets it once taken', () => {
    saveSelection(1, new Set([7, 2, 5]));
    saveSelection(2, [9]);
    expect(takeSavedSelection(1)).toEqual([7, 2, 5]);
    expect(takeSavedSelection(1)).toEqual([]);
    expect(window.sessionStorage.getItem('boxoffice:seat-selection:1')).toBeNull();
    expect(takeSavedSelection(2)).toEqual([9]);
  });

  it('an empty selection removes what was kept', () => {
    saveSelection(1, [3]);
    saveSelection(1, []);
    expect(window.sessionStorage.length).toBe(0);
    expect(takeSavedSelection(1)).toEqual([]);
  });

  it('ignores and clears entries it cannot read', () => {
    window.sessionStorage.setItem('boxoffice:seat-selection:1', '{not json');
    expect(takeSavedSelection(1)).toEqual([]);
    expect(window.sessionStorage.getItem('boxoffice:seat-selection:1')).toBeNull();

    window.sessionStorage.setItem('boxoffice:seat-selection:1', '{"seat_ids":[1]}');
    expect(takeSavedSelection(1)).toEqual([]);

    window.sessionStorage.setItem('boxoffice:seat-selection:1', '[4,"5",-1,1.5,null,4,6]');
    expect(takeSavedSelection(1)).toEqual([4, 6]);
  });

  it('does not throw when storage is unavailable', () => {
    vi.spyOn(Storage.prototype, 'setItem').mockImplementation(() => {
      throw new DOMException('full', 'QuotaExceededError');
    });
    vi.spyOn(Storage.prototype, 'getItem').mockImplementation(() => {
      throw new DOMException('denied', 'SecurityError');
    });
    expect(() => saveSelection(1, [1])).not.toThrow();
    expect(takeSavedSelection(1)).toEqual([]);
  });
});

describe('restorableSelection', () => {
  const seats = makeLayout({}, { 2: { status: 'held' }, 3: { status: 'booked' } }).seats;

  it('keeps only seats still available, in the order picked', () => {
    expect(restorableSelection([4, 2, 1, 3, 99], seats, 4)).toEqual({ restored: [4, 1], taken: [2, 3, 99], leftOut: [] });
  });

  it('keeps only seats the given test says can still be picked (e.g. of a category still sold)', () => {
    const sold = (s: { id: number; status: string }) => s.status === 'available' && s.id !== 4;
    expect(restorableSelection([4, 1], seats, 4, sold)).toEqual({ restored: [1], taken: [4], leftOut: [] });
  });

  it('stays within the room left under the hold limit', () => {
    expect(restorableSelection([5, 6, 7], seats, 2)).toEqual({ restored: [5, 6], taken: [], leftOut: [7] });
    expect(restorableSelection([5, 6], seats, 0)).toEqual({ restored: [], taken: [], leftOut: [5, 6] });
    expect(restorableSelection([5], seats, -1).restored).toEqual([]);
  });
});
