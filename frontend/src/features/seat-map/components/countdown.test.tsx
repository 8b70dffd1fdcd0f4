import { act, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Countdown } from './countdown';

describe('Countdown', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2030-01-01T12:00:00Z'));
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('counts down to the server held_until and fires onExpire once', () => {
    const onExpire = vi.fn();
    render(<Countdown heldUntil="2030-01-01T12:01:30Z" onExpire={onExpire} />);
    expect(screen.getByTestId('countdown')).toHaveTextContent('01:30');

    act(() => {
      vi.advanceTimersByTime(30_000);
    });
    expect(screen.getByTestId('countdown')).toHaveTextContent('01:00');
    expect(onExpire).not.toHaveBeenCalled();

    act(() => {
      vi.advanceTimersByTime(59_000);
    });
    expect(screen.getByTestId('countdown')).toHaveTextContent('00:01');

    act(() => {
      vi.advanceTimersByTime(1_000);
    });
    expect(screen.getByTestId('countdown')).toHaveTextContent('00:00');
    expect(onExpire).toHaveBeenCalledTimes(1);

    act(() => {
      vi.advanceTimersByTime(10_000);
    });
    expect(onExpire).toHaveBeenCalledTimes(1);
  });

  it('uses the server time, not a fresh local TTL', () => {
    // Hold was placed earlier: only 42 s are left even though the TTL is longer.
    render(<Countdown heldUntil="2030-01-01T12:00:42Z" onExpire={() => {}} />);
    expect(screen.getByTestId('countdown')).toHaveTextContent('00:42');
  });

  it('expires immediately when held_until is already past', () => {
    const onExpire = vi.fn();
    render(<Countdown heldUntil="2030-01-01T11:59:00Z" onExpire={onExpire} />);
    expect(screen.getByTestId('countdown')).toHaveTextContent('00:00');
    expect(onExpire).toHaveBeenCalledTimes(1);
  });
});
