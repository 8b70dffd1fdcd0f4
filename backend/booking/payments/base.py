"""The payment provider interface and what it answers."""

import hashlib
import hmac
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils.crypto import salted_hmac


class ProviderError(Exception):
    """The provider could not be reached or answered nonsense: nothing is known to have been charged."""


class InvalidWebhook(Exception):
    """A webhook whose signature, timestamp or body does not check out."""


@dataclass(frozen=True)
class Card:
    """What the test provider's card form sends. Never stored, never logged."""

    number: str  # digits only
    expiry: str  # MM/YY
    cvc: str


@dataclass(frozen=True)
class ChargeResult:
    status: str  # "succeeded" | "declined" | "pending" (the answer comes later, by webhook)
    payment_id: str | None  # the provider's id of the payment (None when declined before one existed)
    decline_reason: str = ""


@dataclass(frozen=True)
class WebhookEvent:
    event_id: str  # unique per provider: a replay carries the same id
    kind: str  # "payment.succeeded" | "payment.failed"
    payment_id: str
    amount: Decimal | None = None


class PaymentProvider(ABC):
    name: str  # stored on each order it charged; the webhook URL carries it

    @abstractmethod
    def charge(
        self,
        *,
        amount: Decimal,
        currency: str,
        card: Card | None,
        reference: str,
        idempotency_key: str,
        webhook_url: str,
    ) -> ChargeResult:
        """Take `amount`. The same idempotency key twice charges once (a retry after a timeout).
        Raises ProviderError when the outcome is unknown."""

    @abstractmethod
    def refund(self, *, payment_id: str, amount: Decimal, currency: str, idempotency_key: str) -> str:
        """Give `amount` of that payment back; returns the provider's refund id. Raises ProviderError."""

    @abstractmethod
    def parse_webhook(self, *, body: bytes, headers) -> WebhookEvent:
        """The event of a webhook request, once its signature is verified. Raises InvalidWebhook."""


# --- HMAC-signed webhooks, as the test provider sends them (the scheme Stripe uses: t=<unix>,v1=<hex>) --

SIGNATURE_HEADER = "Boxoffice-Signature"
TOLERANCE_SECONDS = 300  # older signatures are refused: a captured webhook cannot be replayed much later


def webhook_secret() -> bytes:
    if settings.PAYMENT_WEBHOOK_SECRET:
        return settings.PAYMENT_WEBHOOK_SECRET.encode()
    return salted_hmac("boxoffice.payments.webhook", "secret").hexdigest().encode()


def sign(body: bytes, *, at: int | None = None) -> str:
    """The signature header's value for `body`, signed now (or at `at`, a unix time)."""
    at = int(time.time()) if at is None else at
    digest = hmac.new(webhook_secret(), f"{at}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={at},v1={digest}"


def verify(body: bytes, header: str | None) -> None:
    """InvalidWebhook unless `header` is a current signature of `body`."""
    try:
        parts = dict(part.split("=", 1) for part in (header or "").split(","))
        at = int(parts["t"])
        given = parts["v1"]
    except (KeyError, ValueError) as exc:
        raise InvalidWebhook("Missing or malformed signature.") from exc
    if abs(time.time() - at) > TOLERANCE_SECONDS:
        raise InvalidWebhook("Signature too old.")
    expected = sign(body, at=at).split("v1=", 1)[1]
    if not hmac.compare_digest(expected, given):
        raise InvalidWebhook("Signature does not match.")
