import type { CheckoutStatus } from '../hooks/use-checkout';

/**
 * Next to the Pay button: why the last attempt failed (an alert), or that the bank has yet to answer.
 * The polite region is always there, so "Waiting for your bank…" is announced when it appears.
 */
export function CheckoutStatusView({ status }: { status: CheckoutStatus }) {
  const problem = status.step === 'form' ? status.problem : undefined;
  return (
    <>
      {problem ? (
        <div className="alert alert-error checkout-problem" role="alert" data-testid="payment-problem">
          {problem.text}
        </div>
      ) : null}
      <div role="status" className="checkout-status">
        {status.step === 'waiting' ? (
          <p className="alert alert-info checkout-waiting" data-testid="payment-waiting">
            <span className="spinner" aria-hidden="true" />
            <span>
              <strong>Waiting for your bank…</strong> It usually answers within a few seconds. Please keep this page open
              and do not pay again.
            </span>
          </p>
        ) : null}
      </div>
    </>
  );
}
