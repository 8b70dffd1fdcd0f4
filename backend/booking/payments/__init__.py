"""Payment providers: the one interface the order services charge, refund and hear webhooks through.

`provider()` is the configured one (settings.PAYMENT_PROVIDER, a dotted path to a PaymentProvider class):
the test provider (test_provider.py) by default. A real provider (Stripe, Adyen, ...) is a class with the
same four methods, set by that setting; the services never name a provider.
"""

from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

from booking.payments.base import Card, ChargeResult, InvalidWebhook, PaymentProvider, ProviderError, WebhookEvent

__all__ = ["Card", "ChargeResult", "InvalidWebhook", "PaymentProvider", "ProviderError", "WebhookEvent", "provider"]


@cache
def _provider(path: str) -> PaymentProvider:
    return import_string(path)()


def provider() -> PaymentProvider:
    return _provider(settings.PAYMENT_PROVIDER)
