import { RetryAlert } from '@/components/retry-alert';
import type { Notice } from '../utils/notice';

export interface NoticeViewProps {
  notice: Notice | null;
  signIn: () => void;
  onDismiss: () => void;
  /** A seat action is in flight: no retry until it settles. */
  pending: boolean;
}

export function NoticeView({ notice, signIn, onDismiss, pending }: NoticeViewProps) {
  if (!notice) return null;
  switch (notice.kind) {
    case 'limit':
      return (
        <p className="alert alert-info" role="status" data-testid="limit-message">
          You can select up to {notice.max} seats for this show.
        </p>
      );
    case 'conflict':
      if (notice.offer) return <OfferAlert text={notice.text} offer={notice.offer} pending={pending} onDismiss={onDismiss} />;
      return (
        <RetryAlert
          tone="warning"
          testId="conflict-message"
          onRetry={notice.retry}
          retryLabel="Try again"
          retryDisabled={pending}
          onDismiss={onDismiss}
        >
          {notice.text}
        </RetryAlert>
      );
    case 'error':
      return (
        <RetryAlert tone="error" testId="error-message" onRetry={notice.retry} retryDisabled={pending}>
          {notice.text}
        </RetryAlert>
      );
    case 'auth':
      return (
        <div className="alert alert-info" role="alert" data-testid="auth-message">
          <span>Please sign in to hold and book seats.</span>
          <button type="button" className="btn btn-small" onClick={signIn}>
            Sign in
          </button>
        </div>
      );
    case 'expired':
      return (
        <div className="alert alert-warning" role="alert" data-testid="hold-expired">
          <span>{notice.text ?? 'Your hold expired and the seats were released. Pick seats again to continue.'}</span>
        </div>
      );
    case 'info':
      return (
        <p className="alert alert-info" role="status" data-testid="info-message">
          {notice.text}
        </p>
      );
  }
}

/** A refusal with a way out in one click (the seats the server suggests instead), or Dismiss. */
function OfferAlert({
  text,
  offer,
  pending,
  onDismiss,
}: {
  text: string;
  offer: { label: string; run: () => void };
  pending: boolean;
  onDismiss: () => void;
}) {
  return (
    <div className="alert alert-warning" role="alert" data-testid="conflict-message">
      <span>{text}</span>
      <span className="alert__actions">
        <button type="button" className="btn btn-small btn-primary" onClick={offer.run} disabled={pending} data-testid="offer-button">
          {offer.label}
        </button>
        <button type="button" className="btn btn-small btn-ghost" onClick={onDismiss}>
          Dismiss
        </button>
      </span>
    </div>
  );
}
