import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { formatCountdown } from '@/lib/format';

/** From this many seconds left the countdown turns urgent and warns, once per hold (per held_until). */
const WARN_AT_SECONDS = 60;

function secondsLeft(deadline: number): number {
  return Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
}

export interface CountdownProps {
  /** The server's held_until (ISO 8601). Give the component key={heldUntil}. */
  heldUntil: string;
  onExpire: () => void;
}

/**
 * Time left on the hold, from the server's held_until. The only timer on the
 * page: it re-renders just this component, once a second.
 */
export function Countdown({ heldUntil, onExpire }: CountdownProps) {
  const deadline = Date.parse(heldUntil);
  const [left, setLeft] = useState(() => secondsLeft(deadline));
  const onExpireRef = useRef(onExpire);
  useLayoutEffect(() => {
    onExpireRef.current = onExpire;
  });

  useEffect(() => {
    // Re-read the clock on (re)start; the interval's first tick is 250 ms away.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    setLeft(secondsLeft(deadline));
    const id = window.setInterval(() => {
      const s = secondsLeft(deadline);
      setLeft(s);
      if (s === 0) window.clearInterval(id);
    }, 250);
    return () => window.clearInterval(id);
  }, [deadline]);

  const expired = left === 0;
  useEffect(() => {
    if (expired) onExpireRef.current();
  }, [expired]);

  const warn = left > 0 && left <= WARN_AT_SECONDS;
  return (
    <p className={`countdown${left <= WARN_AT_SECONDS ? ' countdown--urgent' : ''}`}>
      <span className="countdown__label">Seats held for</span>{' '}
      <span className="countdown__time" data-testid="countdown" role="timer" aria-label={`${formatCountdown(left * 1000)} left on your hold`}>
        {formatCountdown(left * 1000)}
      </span>
      {/* The live region is there from the start of the hold, so the warning is announced when it
          appears; its text never changes, so it is announced once, not every second. */}
      <span className="countdown__status" role="status">
        {warn ? (
          <span className="countdown__warning" data-testid="hold-warning">
            Less than a minute left on your hold. Check out and pay now, or your seats will be released.
          </span>
        ) : null}
      </span>
    </p>
  );
}
