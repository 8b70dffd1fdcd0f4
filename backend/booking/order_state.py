"""The order rule, written once: an order is payable while it is pending and its holds have not run out.

A pending order past its expiry is expired whether or not anything has marked it so (as an expired hold is
a free seat whether or not the sweeper has run): the pay path marks it when it finds one, and every read
reports it through `effective_status`.
"""

from datetime import datetime

from django.db.models import Q

PENDING = "pending"
EXPIRED = "expired"


def payable_q(now: datetime) -> Q:
    return Q(status=PENDING, expires_at__gt=now)


def is_expired(status: str, expires_at: datetime, now: datetime) -> bool:
    return status == PENDING and expires_at <= now


def effective_status(status: str, expires_at: datetime, now: datetime) -> str:
    """The status to show: a pending order whose holds ran out is expired."""
    return EXPIRED if is_expired(status, expires_at, now) else status
