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

  it('warns once, in a polite live region, when a minute or less is left', () => {
    render(<Countdown heldUntil="2030-01-01T12:01:05Z" onExpire={() => {}} />);
    const region = screen.getByRole('status');
    expect(screen.queryByTestId('hold-warning')).not.toBeInTheDocument();
    expect(region).toBeEmptyDOMElement();

    act(() => {
      vi.advanceTimersByTime(4_000);
    });
    expect(screen.getByTestId('countdown')).toHaveTextContent('01:01');
    expect(screen.queryByTestId('hold-warning')).not.toBeInTheDocument();

    act(() => {
      vi.advanceTimersByTime(1_000);
    });
    const warning = screen.getByTestId('hold-warning');
    expect(warning).toHaveTextContent('Less than a minute left on your hold. Check out and pay now, or your seats will be released.');
    // The same region that was there from the start (so it is announced), now holding the warning.
    expect(screen.getByRole('status')).toBe(region);
    expect(region).toContainElement(warning);
    expect(screen.getByTestId('countdown').closest('.countdown')).toHaveClass('countdown--urgent');

    // Ticks change the timer, never the warning: same node, same text, nothing new to announce.
    act(() => {
      vi.advanceTimersByTime(30_000);
    });
    expect(screen.getByTestId('countdown')).toHaveTextContent('00:30');
    expect(screen.getByTestId('hold-warning')).toBe(warning);
    expect(region.textContent).toBe(warning.textContent);

    // Once the hold is over the expired notice takes over.
    act(() => {
      vi.advanceTimersByTime(30_000);
    });
    expect(screen.getByTestId('countdown')).toHaveTextContent('00:00');
    expect(screen.queryByTestId('hold-warning')).not.toBeInTheDocument();
  });

  it('does not warn while more than a minute is left', () => {
    render(<Countdown heldUntil="2030-01-01T12:05:00Z" onExpire={() => {}} />);
    act(() => {
      vi.advanceTimersByTime(3 * 60_000);
    });
    expect(screen.getByTestId('countdown')).toHaveTextContent('02:00');
    expect(screen.queryByTestId('hold-warning')).not.toBeInTheDocument();
    expect(screen.getByTestId('countdown').closest('.countdown')).not.toHaveClass('countdown--urgent');
  });

  it('warns at once for a hold that already has under a minute left', () => {
    render(<Countdown heldUntil="2030-01-01T12:00:42Z" onExpire={() => {}} />);
    expect(screen.getByTestId('hold-warning')).toBeInTheDocument();
  });
});
