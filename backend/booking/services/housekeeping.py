"""Tidying that correctness never waits for."""

from django.utils import timezone

from booking.models import RateCounter


def purge_expired_rate_counters() -> int:
    """Delete rate-limit windows that have ended. Returns how many were deleted."""
    deleted, _ = RateCounter.objects.filter(expires_at__lte=timezone.now()).delete()
    return deleted
