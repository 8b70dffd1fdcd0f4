"""Hall plans: a hall's seats written as text, one line per row, and replacing a hall's seats with a plan.

The format (README "Hall plans"):

    # a comment; blank lines are ignored
    S = Standard            <- a letter for a category of the hall (by default: its name's first letter)
    P = Premium
    A: @+_SSSSSSSS_+@       <- a row: its label, then one character per place, left to right
    B: .SSSS_PPPPPP_SSSS.

  * a letter: a seat of that category;
  * `@`: a wheelchair space, `+`: a companion seat (both in the hall's first category);
  * `_` (an aisle) or `.` (no seat, e.g. an offset or a shorter row): a place without a seat.

Seats are numbered 1, 2, ... from the left of each row, as printed on them. A run of seats between places
without seats (or the walls) is a segment: "seats together" and the no-single-seat rule never cross one.
Rows are listed front to back in the seat map's order (A, B, ... Z, AA, ...).
"""

import re
from collections import Counter
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from booking.exceptions import InvalidRequest
from booking.models import Hall, Seat, SeatCategory, ShowSeat, Showtime
from booking.seat_state import live_hold_q
from booking.services.locking import bump_layout_version
from booking.services.showtimes import add_new_seats_to_upcoming_showtimes

WHEELCHAIR, COMPANION = "@", "+"
NO_SEAT = "_."
_ROW_LINE = re.compile(r"^([A-Z]{1,8})\s*:\s*(\S+)$")
_LEGEND_LINE = re.compile(r"^([A-Za-z])\s*=\s*(.+)$")
MAX_PLACES = 999  # places per row


@dataclass(frozen=True)
class PlannedSeat:
    row: str
    number: int
    column: int
    segment: int
    kind: str
    category: SeatCategory


@dataclass(frozen=True)
class PlanChange:
    added: int
    changed: int
    removed: int
    seats: int


def _row_order(label: str) -> tuple[int, str]:
    return (len(label), label)  # the seat map's order: A..Z, AA..


def parse_plan(*, hall: Hall, text: str) -> list[PlannedSeat]:
    """The seats a plan describes, or InvalidRequest naming the first line that is wrong."""
    categories = list(hall.categories.all())
    if not categories:
        raise InvalidRequest(f"{hall} has no seat categories yet: add one first.")
    letters: dict[str, SeatCategory] = {}
    initials = Counter(c.name[:1].upper() for c in categories)
    for category in categories:
        if initials[category.name[:1].upper()] == 1:
            letters[category.name[:1].upper()] = category
    by_name = {c.name.casefold(): c for c in categories}
    seats: list[PlannedSeat] = []
    rows: list[str] = []
    for line_number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if legend := _LEGEND_LINE.match(line):
            letter, name = legend.group(1).upper(), legend.group(2).strip()
            if (category := by_name.get(name.casefold())) is None:
                raise InvalidRequest(f"Line {line_number}: {hall} has no category {name!r}.")
            letters[letter] = category
            continue
        if (row := _ROW_LINE.match(line)) is None:
            raise InvalidRequest(f"Line {line_number}: write a row as `A: SSSS_SSSS` or a legend as `S = Standard`.")
        label, places = row.groups()
        if label in rows:
            raise InvalidRequest(f"Line {line_number}: row {label} appears twice.")
        if rows and _row_order(label) < _row_order(rows[-1]):
            raise InvalidRequest(
                f"Line {line_number}: list rows front to back (A, B, ... Z, AA): {label} after {rows[-1]}."
            )
        if len(places) > MAX_PLACES:
            raise InvalidRequest(f"Line {line_number}: at most {MAX_PLACES} places per row.")
        rows.append(label)
        seats.extend(_row_seats(label, places, letters, categories[0], line_number))
    if not seats:
        raise InvalidRequest("The plan has no seats.")
    return seats


def _row_seats(label, places, letters, first_category, line_number) -> list[PlannedSeat]:
    seats = []
    segment = 0
    in_run = False
    for column, char in enumerate(places, start=1):
        if char in NO_SEAT:
            in_run = False
            continue
        if char in (WHEELCHAIR, COMPANION):
            kind, category = ("wheelchair" if char == WHEELCHAIR else "companion"), first_category
        elif (category := letters.get(char.upper())) is not None:
            kind = "standard"
        else:
            raise InvalidRequest(f"Line {line_number}: {char!r} is not a category letter, @, +, _ or '.'.")
        if not in_run:
            segment, in_run = segment + 1, True
        seats.append(PlannedSeat(label, len(seats) + 1, column, segment, kind, category))
    return seats


def plan_text(*, hall: Hall) -> str:
    """The hall's current seats as a plan (what the admin's plan form starts from)."""
    categories = list(hall.categories.all())
    initials = Counter(c.name[:1].upper() for c in categories)
    letter = {}
    legend = []
    spare = iter(c for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    for category in categories:
        char = category.name[:1].upper()
        if initials[char] > 1 or not char.isalpha() or char in letter.values():
            char = next(c for c in spare if c not in letter.values() and initials[c] == 0)
            legend.append(f"{char} = {category.name}")
        letter[category.pk] = char
    lines = [*legend]
    rows: dict[str, list[Seat]] = {}
    for seat in hall.seats.order_by("column"):
        rows.setdefault(seat.row, []).append(seat)
    for label in sorted(rows, key=_row_order):
        places = ["."] * max(s.column for s in rows[label])
        for seat in rows[label]:
            mark = {"wheelchair": WHEELCHAIR, "companion": COMPANION}.get(seat.kind, letter[seat.category_id])
            places[seat.column - 1] = mark
        lines.append(f"{label}: {''.join(places)}")
    return "\n".join(lines)


def sold_upcoming(*, hall: Hall) -> int:
    """How many seats of the hall's upcoming showtimes are booked or held: a plan may not change under them."""
    now = timezone.now()
    return (
        ShowSeat.objects.filter(showtime__hall=hall, showtime__starts_at__gt=now)
        .filter(Q(status=ShowSeat.Status.BOOKED) | live_hold_q(now))
        .count()
    )


def replace_hall_plan(*, hall: Hall, text: str) -> PlanChange:
    """Make the hall's seats the plan's. Seats are matched by (row, number): a kept seat keeps its id (and its
    history); it moves, changes kind or category as the plan says. New seats join the upcoming showtimes;
    seats the plan leaves out go. Refused while an upcoming showtime has a seat booked or held, and for a seat
    left out that a past showtime sold (its sale stays on record)."""
    planned = parse_plan(hall=hall, text=text)
    with transaction.atomic():
        Hall.objects.select_for_update().get(pk=hall.pk)  # one plan change per hall at a time
        if sold := sold_upcoming(hall=hall):
            raise InvalidRequest(
                f"{hall} has {sold} seats sold or held for upcoming showtimes: "
                "its plan can't change until they are over."
            )
        existing = {(s.row, s.number): s for s in hall.seats.all()}
        wanted = {(p.row, p.number): p for p in planned}
        gone = [seat for key, seat in existing.items() if key not in wanted]
        if gone:
            on_record = ShowSeat.objects.filter(seat__in=gone).exclude(showtime__starts_at__gt=timezone.now())
            if on_record.exists():
                names = ", ".join(sorted({str(s.seat) for s in on_record.select_related("seat")[:5]}))
                raise InvalidRequest(f"Seats of past showtimes can't be removed (their sales stay on record): {names}.")
            ShowSeat.objects.filter(seat__in=gone).delete()
            Seat.objects.filter(pk__in=[s.pk for s in gone]).delete()
        # Park the kept seats off the plan first: (hall, row, column) is unique, and seats may swap places.
        hall.seats.update(column=F("column") + 10_000)
        changed = 0
        for key, seat in existing.items():
            if (plan := wanted.get(key)) is None:
                continue
            before = (seat.column, seat.segment, seat.kind, seat.category_id)
            after = (plan.column, plan.segment, plan.kind, plan.category.pk)
            changed += before != after
            Seat.objects.filter(pk=seat.pk).update(
                column=plan.column, segment=plan.segment, kind=plan.kind, category=plan.category
            )
        new = [
            Seat(
                hall=hall,
                row=p.row,
                number=p.number,
                column=p.column,
                segment=p.segment,
                kind=p.kind,
                category=p.category,
            )
            for key, p in wanted.items()
            if key not in existing
        ]
        Seat.objects.bulk_create(new, batch_size=2000)
        if new:
            add_new_seats_to_upcoming_showtimes(hall=hall)
        elif gone:
            for showtime_id in Showtime.objects.filter(hall=hall, starts_at__gt=timezone.now()).values_list(
                "pk", flat=True
            ):
                bump_layout_version(showtime_id=showtime_id, actor_id=0)
    return PlanChange(added=len(new), changed=changed, removed=len(gone), seats=len(planned))
