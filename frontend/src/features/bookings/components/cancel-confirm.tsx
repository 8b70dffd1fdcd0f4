import { useEffect, useId, useRef, type KeyboardEvent } from 'react';
import { formatSeatRef } from '@/lib/format';
import type { CancelFlow } from '../hooks/use-cancel-flow';
import { refundText, seatsWord } from '../utils/wording';

/** Step 2: the last word before cancelling, with the refund again. Escape goes back to the choice. */
export function CancelConfirm({ flow }: { flow: CancelFlow }) {
  const id = useId();
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    headingRef.current?.focus();
  }, []);
  const count = flow.chosen.length;
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') flow.back();
  };

  return (
    <section
      className="cancel-panel cancel-panel--confirm"
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-what`}
      data-testid="cancel-confirm"
      onKeyDown={onKeyDown}
    >
      <h3 id={`${id}-title`} tabIndex={-1} ref={headingRef}>
        Cancel {seatsWord(count)}?
      </h3>
      <div id={`${id}-what`}>
        <p>
          {flow.chosen.map(formatSeatRef).join('; ')} will be released for others to book. This cannot be undone.
        </p>
        <p className="cancel-panel__refund" data-testid="confirm-refund">
          {refundText(flow.refund)}
        </p>
      </div>
      <div className="cancel-panel__actions">
        <button
          type="button"
          className="btn btn-danger"
          onClick={flow.confirm}
          aria-disabled={flow.pending}
          data-testid="confirm-cancel-button"
        >
          {flow.pending ? 'Cancelling…' : `Yes, cancel ${seatsWord(count)}`}
        </button>
        <button type="button" className="btn btn-ghost" onClick={flow.back} disabled={flow.pending}>
          Go back
        </button>
      </div>
    </section>
  );
}
