"""Refunds: money given back through the provider that took it.

A refund is recorded first, in the transaction that decides it (a cancellation, a payment that arrived after
its seats were sold), and sent to the provider afterwards: the decision cannot be lost, and a provider
that cannot be reached leaves the refund recorded with no provider id, owed, until `send_owed_refunds`
(the admin's action on refunds) sends it again. The provider's idempotency key is per refund, so sending
twice refunds once.
"""

import logging

from booking import payments
from booking.models import Refund

logger = logging.getLogger(__name__)


def send_owed_refunds() -> int:
    """Send every refund still owed (recorded, not confirmed by the provider). Returns how many went."""
    sent = 0
    for refund_id in Refund.objects.filter(provider_refund_id="").values_list("pk", flat=True):
        sent += send_refund(refund_id)
    return sent


def send_refund(refund_id: int) -> int:
    """Give a recorded refund back through the provider that took the payment; 1 if it went."""
    refund = Refund.objects.select_related("order").get(pk=refund_id)
    order, provider = refund.order, payments.provider()
    if refund.provider_refund_id or order.provider != provider.name:
        return 0  # sent already, or taken by a provider this process does not talk to
    try:
        provider_refund_id = provider.refund(
            payment_id=order.provider_payment_id,
            amount=refund.amount,
            currency=order.currency,
            idempotency_key=f"{order.reference}-refund-{refund.pk}",
        )
    except payments.ProviderError:
        logger.warning("refund %s of order %s: provider unreachable, left owed", refund.pk, order.reference)
        return 0
    return Refund.objects.filter(pk=refund.pk, provider_refund_id="").update(provider_refund_id=provider_refund_id)
