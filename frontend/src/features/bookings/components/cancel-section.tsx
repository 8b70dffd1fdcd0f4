import { useEffect, useRef } from 'react';
import { RetryAlert } from '@/components/retry-alert';
import { formatShowDateTime } from '@/lib/zoned-time';
import type { Booking } from '@/types/api';
import { useCancelFlow } from '../hooks/use-cancel-flow';
import { useIsPast } from '../hooks/use-is-past';
import { cancelProblem } from '../utils/cancel-problems';
import { cancelledText } from '../utils/wording';
import { CancelChooser } from './cancel-chooser';
import { CancelConfirm } from './cancel-confirm';

/**
 * A booking's cancellation: until its cutoff a "Cancel seats" button, then the choice of seats with the
 * refund, then the confirmation; after the cutoff only a word that the box office can help. The outcome
 * (done, or why not) stays in view whatever the step.
 */
export function CancelSection({ booking }: { booking: Booking }) {
  const flow = useCancelFlow(booking);
  const closed = useIsPast(booking.cancellable_until);
  const toggleRef = useRef<HTMLButtonElement>(null);
  const doneRef = useRef<HTMLParagraphElement>(null);

  // Back to the button once the panel closes, or to the outcome once a cancellation went through.
  const { step, done } = flow;
  const lastStep = useRef(step);
  useEffect(() => {
    if (step === 'closed' && lastStep.current !== 'closed') (done ? doneRef.current : toggleRef.current)?.focus();
    lastStep.current = step;
  }, [step, done]);

  const problem = flow.error ? cancelProblem(flow.error) : null;
  const canRetry = problem?.retryable && step === 'confirm' && !closed;
  const anyLeft = flow.live.length > 0;
  const currency = booking.payment?.currency ?? null;

  let body = null;
  if (!anyLeft) {
    // Nothing left to cancel.
  } else if (closed) {
    body = (
      <p className="muted small" data-testid="cancellation-closed">
        Cancellation closed (ask at the box office).
      </p>
    );
  } else if (step === 'choose') body = <CancelChooser flow={flow} currency={currency} />;
  else if (step === 'confirm') body = <CancelConfirm flow={flow} />;
  else {
    body = (
      <p className="cancel-section__open">
        <button type="button" className="btn btn-small" ref={toggleRef} onClick={flow.open} data-testid="cancel-seats-button">
          Cancel seats
        </button>
        <span className="muted small">You can cancel until {formatShowDateTime(booking.cancellable_until, booking.time_zone)}</span>
      </p>
    );
  }

  return (
    <div className="cancel-section">
      {done ? (
        <p className="alert alert-success" role="status" tabIndex={-1} ref={doneRef} data-testid="cancel-result">
          {cancelledText(done)}
        </p>
      ) : null}
      {body}
      {problem ? (
        <RetryAlert
          tone={problem.retryable ? 'warning' : 'error'}
          testId="cancel-error"
          onRetry={canRetry ? flow.confirm : undefined}
          retryLabel="Try again"
          retryDisabled={flow.pending}
          onDismiss={flow.dismissError}
        >
          {problem.text}
        </RetryAlert>
      ) : null}
    </div>
  );
}
