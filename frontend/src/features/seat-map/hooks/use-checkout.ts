import { useEffect, useEffectEvent, useRef, useState, type Dispatch, type SetStateAction } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { amountsEqual, formatMoney } from '@/lib/money';
import type { Order, PayRequest } from '@/types/api';
import { refetchHallLayout } from '../api/get-hall-layout';
import { orderQueryKey, useOrderPolling } from '../api/get-order';
import { useCreateOrder } from '../api/use-create-order';
import { applyBookedOrder, usePayOrder } from '../api/use-pay-order';
import { orderKey, orderSeats, type CardErrors, type CheckoutLine } from '../utils/checkout';
import {
  createOrderProblem,
  failedLaterText,
  ORDER_EXPIRED_NOTICE,
  payProblem,
  refundedNotice,
  type CheckoutProblem,
  type ProblemContext,
} from '../utils/checkout-problems';
import type { Notice } from '../utils/notice';

/** Where the checkout is: filling in the form (maybe after a problem), paying, or waiting for the bank. */
export type CheckoutStatus =
  | { step: 'form'; problem?: { text: string; fields?: CardErrors } }
  | { step: 'paying' }
  | { step: 'waiting'; order: Order };

const FORM: CheckoutStatus = { step: 'form' };

export interface CheckoutOptions extends ProblemContext {
  showId: number;
  /** I hold seats and the hold has not run out. */
  holdActive: boolean;
  setNotice: Dispatch<SetStateAction<Notice | null>>;
}

/**
 * The checkout of the seats I hold: make an order of them with the ticket types chosen (once, reused
 * while neither the seats nor the ticket types change, so a declined card is retried on the same order),
 * pay it, wait for a bank that answers later, and end in a confirmation or a notice on the map.
 */
export function useCheckout({ showId, holdActive, setNotice, labelsFor, max }: CheckoutOptions) {
  const queryClient = useQueryClient();
  const createOrder = useCreateOrder();
  const payOrder = usePayOrder();
  const [open, setOpen] = useState(false);
  const [status, setStatus] = useState<CheckoutStatus>(FORM);
  const [confirmation, setConfirmation] = useState<Order | null>(null);
  // Back from checkout by choice: the Checkout button takes the focus again.
  const [returned, setReturned] = useState(false);
  // The order made for the current seats and ticket types (`key`), while it can still be paid.
  const orderRef = useRef<{ key: string; order: Order } | null>(null);
  // One submission at a time; a ref, so a double-click in one frame cannot slip through.
  const busyRef = useRef(false);
  const waitingFor = status.step === 'waiting' ? status.order : null;
  const polled = useOrderPolling(waitingFor?.reference ?? null);

  // The hold ended (ran out, released, booked elsewhere) while the form was open: back to the map,
  // whose notice says why. Not while paying or waiting: their outcome says it.
  if (open && !holdActive && status.step === 'form') {
    setOpen(false);
    setStatus(FORM);
  }
  // That hold is over: a later hold's Checkout button must not take the focus.
  if (returned && !holdActive) setReturned(false);

  const leave = (notice: Notice | null) => {
    orderRef.current = null;
    setOpen(false);
    setStatus(FORM);
    setNotice(notice);
  };

  const wait = (order: Order) => {
    // Never mistake an answer cached from an earlier attempt for this one's.
    queryClient.setQueryData(orderQueryKey(order.reference), { ...order, status: 'processing' });
    setStatus({ step: 'waiting', order });
  };

  const onProblem = (problem: CheckoutProblem, order?: Order) => {
    if (problem.kind === 'leave') return leave(problem.notice);
    if (problem.kind === 'wait' && order) return wait(order);
    if (problem.kind === 'inline') {
      if (problem.dropOrder) orderRef.current = null;
      setStatus({ step: 'form', problem: { text: problem.text, fields: problem.fields } });
    }
  };

  /** An order the API answered with, from paying it or from polling it. */
  const settle = (order: Order, polledNow = false) => {
    switch (order.status) {
      case 'processing':
        return wait(order);
      case 'paid':
      case 'box_office':
        if (polledNow) applyBookedOrder(queryClient, order);
        orderRef.current = null;
        setConfirmation(order);
        setOpen(false);
        setStatus(FORM);
        setNotice(null);
        return;
      case 'pending': // the bank said no, later: the same order can be paid again
        setStatus({ step: 'form', problem: { text: failedLaterText(order) } });
        return;
      case 'refunded':
        void refetchHallLayout(queryClient, showId, true);
        return leave(refundedNotice(order));
      case 'expired':
        void refetchHallLayout(queryClient, showId, true);
        return leave(ORDER_EXPIRED_NOTICE);
      case 'abandoned':
        return onProblem({ kind: 'inline', text: 'This order was replaced, perhaps in another window. Check the details and press Pay again.', dropOrder: true });
    }
  };

  const onPolled = useEffectEvent((order: Order) => {
    if (waitingFor && order.reference === waitingFor.reference && order.status !== 'processing') settle(order, true);
  });
  useEffect(() => {
    // The polled order is the outside world here: its outcome is taken in once per answer.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    if (polled.data) onPolled(polled.data);
  }, [polled.data]);

  /** Pay `total` (the sum shown) for the lines by `payment`: make the order unless it is made already. */
  const submit = async (lines: readonly CheckoutLine[], payment: PayRequest, total: string) => {
    if (busyRef.current) return;
    busyRef.current = true;
    setStatus({ step: 'paying' });
    setNotice(null);
    const ctx = { labelsFor, max };
    try {
      const seats = orderSeats(lines);
      const key = orderKey(showId, seats);
      let order = orderRef.current?.key === key ? orderRef.current.order : null;
      if (!order) {
        try {
          order = await createOrder.mutateAsync({ showId, seats });
        } catch (error) {
          return onProblem(createOrderProblem(error, ctx));
        }
        orderRef.current = { key, order };
        if (!amountsEqual(order.total, total)) {
          // Prices changed since the map was loaded: never charge what was not shown. The reload
          // shows the new prices; the next Pay pays this order.
          void refetchHallLayout(queryClient, showId, true);
          const now = formatMoney(order.total, order.currency);
          return onProblem({ kind: 'inline', text: `The prices changed since the map was loaded: the total is now ${now}. Check it and press Pay again.` });
        }
      }
      try {
        settle(await payOrder.mutateAsync({ order, payment }));
      } catch (error) {
        onProblem(payProblem(error, order, ctx), order);
      }
    } finally {
      busyRef.current = false;
    }
  };

  return {
    open,
    status,
    /** A payment is under way (paying, or waiting for the bank): the checkout stays. */
    busy: status.step !== 'form',
    waiting: waitingFor !== null,
    returned,
    submit,
    start: () => {
      setConfirmation(null);
      setStatus(FORM);
      setReturned(false);
      setNotice(null);
      setOpen(true);
    },
    close: () => {
      if (busyRef.current || status.step !== 'form') return;
      setOpen(false);
      setStatus(FORM);
      setReturned(true);
    },
    confirmation,
    dismissConfirmation: () => setConfirmation(null),
  };
}

export type Checkout = ReturnType<typeof useCheckout>;
