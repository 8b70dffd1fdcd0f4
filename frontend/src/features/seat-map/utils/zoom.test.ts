import { describe, expect, it } from 'vitest';
import { fitSeatSize, nextZoom } from './zoom';

describe('zoom', () => {
  it('sizes seats so that the widest row and its labels fill the width', () => {
    // 17 places at a 390 px phone's ~350 px: about 14 px seats.
    const size = fitSeatSize(350, 17);
    expect(size).toBe(14);
    expect(17 * size + 18 * size * 0.2 + 51.2).toBeLessThanOrEqual(350);
    expect(fitSeatSize(100, 500)).toBe(6); // never below a visible dot
  });

  it('steps through fit, the normal size and two larger ones; fit only when the hall does not fit', () => {
    expect(nextZoom(1, -1, true)).toBe('fit');
    expect(nextZoom('fit', 1, true)).toBe(1);
    expect(nextZoom(1, 1, true)).toBe(1.4);
    expect(nextZoom(1.8, 1, true)).toBe(1.8);
    expect(nextZoom(1, -1, false)).toBe(1);
    expect(nextZoom('fit', 1, false)).toBe(1.4);
  });
});
