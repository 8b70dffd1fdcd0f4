"""The seat-state rule, written once: a hold is live while it has not run out; an expired hold is a free
seat, whether or not the sweeper has tidied it.

SQL: `boxoffice_is_live_hold(status, held_until, now)` (services/seat_writes.sql, migration 0006), used by
every seat function and, through `live_hold_sql`, by every selector query. It is a one-expression
IMMUTABLE SQL function, so the planner inlines it and the partial indexes on `status = 'held'` still
apply. The ORM uses the Q objects below: the same rule (a property test checks that they agree).
"""

from datetime import datetime

from django.db.models import Q

HELD = "held"


def live_hold_sql(alias: str = "", now: str = "%(now)s") -> str:
    """The rule as an SQL condition on a booking_showseat row (`alias`), `now` a placeholder or expression."""
    column = f"{alias}." if alias else ""
    return f"boxoffice_is_live_hold({column}status, {column}held_until, {now})"


def live_hold_q(now: datetime, prefix: str = "") -> Q:
    """The rule for the ORM, on a ShowSeat or through a relation (`prefix`, e.g. "show_seats__")."""
    return Q(**{f"{prefix}status": HELD, f"{prefix}held_until__gt": now})


def expired_hold_q(now: datetime, prefix: str = "") -> Q:
    return Q(**{f"{prefix}status": HELD, f"{prefix}held_until__lte": now})
