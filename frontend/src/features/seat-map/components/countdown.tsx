import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { formatCountdown } from '@/lib/format';

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

  return (
    <p className={`countdown${left <= 60 ? ' countdown--urgent' : ''}`}>
      <span className="countdown__label">Seats held for</span>{' '}
      <span className="countdown__time" data-testid="countdown" role="timer" aria-label={`${formatCountdown(left * 1000)} left on your hold`}>
        {formatCountdown(left * 1000)}
      </span>
      {left > 0 && left <= 60 ? (
        <span className="sr-only" role="status">
          Less than a minute left on your hold.
        </span>
      ) : null}
    </p>
  );
}
