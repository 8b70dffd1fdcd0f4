import type { ReactNode } from 'react';

interface RetryAlertProps {
  tone: 'warning' | 'error';
  /** The message, shown before the button. */
  children: ReactNode;
  /** Without it there is no retry button (only Dismiss, if `onDismiss` is given). */
  onRetry?: () => void;
  retryLabel?: string;
  /** Disables the retry button, e.g. while a request is in flight. */
  retryDisabled?: boolean;
  /** Offered instead of retry when there is nothing to retry. */
  onDismiss?: () => void;
  testId?: string;
}

/** An alert that says what went wrong and offers to try again (or to dismiss it). */
export function RetryAlert({ tone, children, onRetry, retryLabel = 'Retry', retryDisabled, onDismiss, testId }: RetryAlertProps) {
  return (
    <div className={`alert alert-${tone}`} role="alert" data-testid={testId}>
      <span>{children}</span>
      {onRetry ? (
        <button type="button" className="btn btn-small" onClick={onRetry} disabled={retryDisabled}>
          {retryLabel}
        </button>
      ) : onDismiss ? (
        <button type="button" className="btn btn-small btn-ghost" onClick={onDismiss}>
          Dismiss
        </button>
      ) : null}
    </div>
  );
}
