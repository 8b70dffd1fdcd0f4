"""The test payment provider: the default for `make run` and the tests. No money moves.

Card numbers decide the outcome, after the convention card processors' test modes share:

    4242 4242 4242 4242   succeeds at once
    4000 0000 0000 0002   declined (card_declined)
    4000 0000 0000 9995   declined (insufficient_funds)
    4000 0000 0000 3220   answered later: "pending" now, a signed payment.succeeded webhook after
                          TEST_PAYMENT_WEBHOOK_DELAY seconds (as a card that needs 3-D Secure would be)
    4000 0000 0000 0341   answered later: a signed payment.failed webhook

any other number is declined. Charges and refunds are kept in memory (per process) so that tests can count
them; the same idempotency key charges once.
"""

import json
import logging
import secrets
import threading
import time
import urllib.request
from decimal import Decimal

from django.conf import settings

from booking.payments.base import (
    SIGNATURE_HEADER,
    Card,
    ChargeResult,
    InvalidWebhook,
    PaymentProvider,
    WebhookEvent,
    sign,
    verify,
)

logger = logging.getLogger(__name__)

SUCCEEDS = "4242424242424242"
DECLINED = "4000000000000002"
INSUFFICIENT_FUNDS = "4000000000009995"
ASYNC_SUCCEEDS = "4000000000003220"
ASYNC_FAILS = "4000000000000341"


class TestCardProvider(PaymentProvider):
    __test__ = False  # not a pytest class
    name = "test"

    def __init__(self):
        self._lock = threading.Lock()
        self.charges: dict[str, tuple[ChargeResult, Decimal]] = {}  # idempotency key -> result, amount
        self.refunds: list[tuple[str, Decimal]] = []  # (payment id, amount)

    def charge(self, *, amount, currency, card, reference, idempotency_key, webhook_url) -> ChargeResult:
        with self._lock:
            if idempotency_key in self.charges:
                return self.charges[idempotency_key][0]
            result = self._decide(card)
            self.charges[idempotency_key] = (result, amount)
        if result.status == "pending" and webhook_url:  # no URL: the caller (a test) delivers the event itself
            kind = "payment.succeeded" if card.number == ASYNC_SUCCEEDS else "payment.failed"
            self._answer_later(webhook_url, kind=kind, payment_id=result.payment_id, amount=amount)
        return result

    def succeeded_charges(self, reference_prefix: str = "") -> list[Decimal]:
        """The amounts charged successfully or pending (test helper), for keys starting with the prefix."""
        with self._lock:
            return [
                amount
                for key, (result, amount) in self.charges.items()
                if key.startswith(reference_prefix) and result.status != "declined"
            ]

    def refund(self, *, payment_id, amount, currency, idempotency_key) -> str:
        with self._lock:
            self.refunds.append((payment_id, amount))
        return f"re_test_{secrets.token_hex(8)}"

    def parse_webhook(self, *, body: bytes, headers) -> WebhookEvent:
        verify(body, headers.get(SIGNATURE_HEADER))
        try:
            event = json.loads(body)
            return WebhookEvent(
                event_id=str(event["id"]),
                kind=str(event["type"]),
                payment_id=str(event["payment_id"]),
                amount=Decimal(str(event["amount"])) if event.get("amount") is not None else None,
            )
        except (ValueError, KeyError, TypeError, ArithmeticError) as exc:
            raise InvalidWebhook("Malformed event.") from exc

    # --- internals ---------------------------------------------------------------------------------

    @staticmethod
    def _decide(card: Card | None) -> ChargeResult:
        number = card.number if card else ""
        payment_id = f"pay_test_{secrets.token_hex(8)}"
        if number == SUCCEEDS:
            return ChargeResult(status="succeeded", payment_id=payment_id)
        if number in (ASYNC_SUCCEEDS, ASYNC_FAILS):
            return ChargeResult(status="pending", payment_id=payment_id)
        if number == INSUFFICIENT_FUNDS:
            return ChargeResult(status="declined", payment_id=None, decline_reason="insufficient_funds")
        return ChargeResult(status="declined", payment_id=None, decline_reason="card_declined")

    @staticmethod
    def event_body(*, kind: str, payment_id: str, amount: Decimal | None, event_id: str | None = None) -> bytes:
        """A webhook body as this provider sends it (tests replay and forge these)."""
        event = {
            "id": event_id or f"evt_test_{secrets.token_hex(8)}",
            "type": kind,
            "payment_id": payment_id,
            "amount": None if amount is None else str(amount),
        }
        return json.dumps(event).encode()

    def _answer_later(self, url: str, *, kind: str, payment_id: str, amount: Decimal) -> None:
        body = self.event_body(kind=kind, payment_id=payment_id, amount=amount)

        def deliver():
            time.sleep(settings.TEST_PAYMENT_WEBHOOK_DELAY)
            for attempt in range(5):  # as providers do: retry until the endpoint answers 2xx
                request = urllib.request.Request(
                    url,
                    data=body,
                    method="POST",
                    headers={"Content-Type": "application/json", SIGNATURE_HEADER: sign(body)},
                )
                try:
                    with urllib.request.urlopen(request, timeout=10) as response:
                        if 200 <= response.status < 300:
                            return
                except OSError as exc:
                    logger.warning("test payment webhook to %s failed (%s); retrying", url, exc.__class__.__name__)
                time.sleep(1 + attempt)

        threading.Thread(target=deliver, name="test-payment-webhook", daemon=True).start()
