import { errorMessage, isApiError, type ApiError } from '@/lib/api-client';
import { formatTime, listSeats } from '@/lib/format';
import { formatMoney } from '@/lib/money';
import type { Order } from '@/types/api';
import type { CardErrors, CardField } from './checkout';
import { noticeForError, type Notice } from './notice';

/** What a failed checkout step means for the viewer. */
export type CheckoutProblem =
  /** Stay at checkout and say why next to the Pay button; `dropOrder`: the next Pay makes a new order. */
  | { kind: 'inline'; text: string; fields?: CardErrors; dropOrder?: boolean }
  /** Nothing left to pay for here: back to the seat map, with a notice above it. */
  | { kind: 'leave'; notice: Notice }
  /** A payment of the order is already under way: wait for its outcome. */
  | { kind: 'wait' };

export interface ProblemContext {
  /** Labels ("A1") for seat ids the server named. */
  labelsFor: (ids: number[]) => string[];
  max: number;
}

const inline = (text: string, extra: Partial<Extract<CheckoutProblem, { kind: 'inline' }>> = {}): CheckoutProblem => ({
  kind: 'inline',
  text,
  ...extra,
});

function cardFieldErrors(error: ApiError): CardErrors | undefined {
  const fields: CardErrors = {};
  for (const field of ['number', 'expiry', 'cvc'] as CardField[]) {
    const messages = error.errors?.[`card.${field}`];
    if (messages?.length) fields[field] = messages.join(' ');
  }
  return Object.keys(fields).length ? fields : undefined;
}

/** Problems either step can meet: signed out, the network, the server, rate limits, bad input. */
function commonProblem(error: ApiError, step: 'order' | 'pay', ctx: ProblemContext): CheckoutProblem | null {
  if (error.isAuthError) return { kind: 'leave', notice: { kind: 'auth' } };
  if (error.status === 0) {
    return inline(
      step === 'order'
        ? 'We could not reach the server, so nothing was charged. Please try again.'
        : 'We could not reach the server, so we cannot tell yet whether the payment went through. Press Pay again: you will not be charged twice.',
    );
  }
  if (error.status === 429) return inline(`Too many attempts in a short time. ${error.detail}`);
  if (error.status === 400) return inline(error.detail, { fields: cardFieldErrors(error) });
  if (error.status === 409 && (error.code === 'not_held' || error.code === 'show_started')) {
    return { kind: 'leave', notice: noticeForError(error, 'book', { ...ctx, selected: new Set(), retry: () => {} }) };
  }
  if (error.status === 409 && error.code === 'lock_timeout') {
    return inline('The hall is very busy right now and nothing was charged. Please try again.');
  }
  return null;
}

/** Why POST /api/orders/ failed, and what to do about it. */
export function createOrderProblem(error: unknown, ctx: ProblemContext): CheckoutProblem {
  if (!isApiError(error)) return inline(errorMessage(error));
  const common = commonProblem(error, 'order', ctx);
  if (common) return common;
  if (error.isRetryable) return inline('The server had a problem, so nothing was charged. Please try again.');
  const ids = error.seatIds ?? [];
  const labels = listSeats(ctx.labelsFor(ids));
  switch (error.code) {
    case 'category_not_sold':
      return inline(
        ids.length
          ? `${labels} ${ids.length === 1 ? 'is' : 'are'} no longer on sale for this show. Go back to the seats to change your selection.`
          : 'Some of your seats are no longer on sale for this show. Go back to the seats to change your selection.',
      );
    case 'ticket_type_not_sold':
      return inline(
        ids.length
          ? `The ticket type chosen for ${labels} is no longer sold for this show. Please choose another one.`
          : 'A ticket type you chose is no longer sold for this show. Please choose another one.',
      );
    case 'payment_in_progress':
      return inline('A payment for these seats is already in progress. Please wait for it to finish before paying again.');
    default:
      return inline(error.detail);
  }
}

/** "(insufficient funds)" from the API's "The payment was declined (insufficient_funds). …", if it says. */
function declineReason(detail: string): string {
  const reason = /declined \(([a-z_]+)\)/.exec(detail)?.[1];
  return reason && reason !== 'card_declined' ? ` (${reason.replace(/_/g, ' ')})` : '';
}

/** A declined card: nothing charged, the seats stay held until the order (its holds) expires. */
export function declinedText(order: Pick<Order, 'expires_at'>, reason = ''): string {
  return `Your card was declined${reason}. Nothing was charged, and your seats stay held until ${formatTime(order.expires_at)}: please try another card.`;
}

/** The bank turned down a payment that was answered later (the order is payable again). */
export function failedLaterText(order: Pick<Order, 'expires_at'>): string {
  return `Your bank did not approve the payment, so nothing was charged. Your seats stay held until ${formatTime(order.expires_at)}: please try another card.`;
}

export const ORDER_EXPIRED_NOTICE: Notice = {
  kind: 'expired',
  text: 'Your hold ran out before the payment went through, so the seats were released and nothing was charged. Pick seats again to continue.',
};

/** Paid after the holds ran out and the seats went to someone else: all of it given back. */
export function refundedNotice(order: Pick<Order, 'amount_paid' | 'amount_refunded' | 'currency'>): Notice {
  const paid = formatMoney(order.amount_paid, order.currency);
  const refunded = formatMoney(order.amount_refunded, order.currency);
  return {
    kind: 'conflict',
    text:
      `Your payment of ${paid} arrived after your hold had run out, and meanwhile the seats were sold to someone else. ` +
      `It was refunded in full (${refunded} back to your card) and nothing was booked. Pick seats again to continue.`,
  };
}

/** Why POST /api/orders/{reference}/pay/ failed, and what to do about it. */
export function payProblem(error: unknown, order: Order, ctx: ProblemContext): CheckoutProblem {
  if (!isApiError(error)) return inline(errorMessage(error));
  const common = commonProblem(error, 'pay', ctx);
  if (common) return common;
  switch (error.code) {
    case 'payment_declined':
      return inline(declinedText(order, declineReason(error.detail)));
    case 'order_expired':
      return { kind: 'leave', notice: ORDER_EXPIRED_NOTICE };
    case 'payment_in_progress':
      return { kind: 'wait' };
    case 'box_office_unavailable':
      return inline('Paying at the box office is not offered for this show: please pay by card.');
    case 'order_not_payable':
    case 'order_not_found':
      return inline('This order can no longer be paid (it was replaced, perhaps in another window). Check the details and press Pay again.', {
        dropOrder: true,
      });
    case 'payment_unavailable':
      return inline('The payment provider could not be reached, so nothing was charged. Please try again in a few seconds.');
    default:
      return error.isRetryable ? inline('The server had a problem. Press Pay again: you will not be charged twice.') : inline(error.detail);
  }
}
