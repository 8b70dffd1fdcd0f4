from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from booking.exceptions import InvalidRequest
from booking.models import Hall, Showtime, Venue
from booking.selectors.schedule import hall_is_busy
from booking.services.accounts import api_token_for, ensure_user
from booking.services.hall_plans import plan_text, replace_hall_plan
from booking.services.pricing import (
    default_category,
    default_ticket_type,
    ensure_category,
    ensure_ticket_type,
    recategorise_rows,
    set_showtime_prices,
)
from booking.services.showtimes import (
    DEFAULT_VENUE,
    create_showtime,
    ensure_hall,
    movie_titled,
    row_label,
    venue_named,
)

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "demo12345"
ADMIN_USERNAME = "admin"
ADMIN_PASSWORD = "admin12345"

STUDIO = ("Studio 1", 10, 12)  # name, rows, seats per row: a plain grid
STUDIO_PREMIUM_ROWS = range(7, 10)  # by row index: the back of the small hall
GRAND_HALL = "Grand Hall"
VENUE_TIME_ZONE = "Europe/Berlin"


def _grand_row(left: str, centre: str, right: str) -> str:
    """A Grand Hall row of the plan (services/hall_plans.py): a block each side of two straight aisles (places 7
    and 28) and a centre block between them, centred."""
    return left.rjust(6, ".") + "_" + centre.center(20, ".") + "_" + right.ljust(6, ".")


# 1,008 seats in 36 rows, widening towards the back: wheelchair spaces with their companion seats at the front
# corners, Premium in the centre of the rows around the sweet spot (P-W).
GRAND_PLAN = "\n".join(
    [f"A: {_grand_row('@+@+', 'S' * 16, '+@+@')}"]
    + [f"{row_label(i)}: {_grand_row('S' * 4, 'S' * 16, 'S' * 4)}" for i in range(1, 10)]
    + [f"{row_label(i)}: {_grand_row('S' * 5, ('P' if 15 <= i <= 22 else 'S') * 18, 'S' * 5)}" for i in range(10, 26)]
    + [f"{row_label(i)}: {_grand_row('S' * 6, 'S' * 20, 'S' * 6)}" for i in range(26, 36)]
)
PREMIUM_CATEGORY = {"name": "Premium", "colour": "#a855f7", "sort_order": 1, "default_price": Decimal("14.00")}
TICKET_TYPES = [("Child", 1), ("Student", 2), ("Senior", 3)]  # besides the default, Adult
# Studio 1's showtimes have their own price list (the Grand Hall sells at the categories' defaults, as a
# showtime made through the staff API does): (category, ticket type) -> price.
STUDIO_PRICES = {
    ("Standard", "Adult"): "9.50",
    ("Standard", "Child"): "6.50",
    ("Standard", "Student"): "7.50",
    ("Standard", "Senior"): "7.50",
    ("Premium", "Adult"): "13.00",
    ("Premium", "Child"): "9.00",
    ("Premium", "Student"): "11.00",
    ("Premium", "Senior"): "11.00",
}
MOVIES = [("The Last Projectionist", 118), ("Midnight Matinee", 95), ("Seat 13", 104), ("Intermission", 132)]
DAILY_STARTS = [(14, 0), (17, 30), (21, 0)]  # local-free UTC times; each slot fits the longest movie
DAYS = 3


class Command(BaseCommand):
    help = (
        "Load demo data: a venue with two halls (one of 1,000 seats) with Standard and Premium seats, ticket types,"
        " movies, showtimes (the small hall's with their own price list) and users. Idempotent."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            venue = venue_named(name=DEFAULT_VENUE[0], city=DEFAULT_VENUE[1])
            Venue.objects.filter(pk=venue.pk, time_zone="UTC").update(time_zone=VENUE_TIME_ZONE)
            studio = ensure_hall(venue=venue, name=STUDIO[0], rows=STUDIO[1], seats_per_row=STUDIO[2])
            grand = Hall.objects.get_or_create(venue=venue, name=GRAND_HALL)[0]
            halls = [studio, grand]
            ticket_types = {default_ticket_type().name: default_ticket_type()}
            ticket_types |= {name: ensure_ticket_type(name=name, sort_order=order) for name, order in TICKET_TYPES}
            default_category(hall=grand)  # Standard first: the hall's default category
            premium = {hall.pk: ensure_category(hall=hall, **PREMIUM_CATEGORY) for hall in halls}
            rows = [row_label(index) for index in STUDIO_PREMIUM_ROWS]
            recategorise_rows(hall=studio, rows=rows, category=premium[studio.pk])
            self._plan_grand_hall(grand)
            categories = {"Standard": default_category(hall=studio), "Premium": premium[studio.pk]}
            studio_prices = {
                (categories[category], ticket_types[ticket]): Decimal(amount)
                for (category, ticket), amount in STUDIO_PRICES.items()
            }
            movies = [movie_titled(title=title, duration_minutes=minutes) for title, minutes in MOVIES]
            today = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)
            created = 0
            for day in range(DAYS + 1):
                for slot, (hour, minute) in enumerate(DAILY_STARTS):
                    starts_at = today + timedelta(days=day, hours=hour, minutes=minute)
                    if starts_at <= timezone.now():
                        continue
                    for index, hall in enumerate(halls):
                        # Already seeded (or an admin's showtime is there): the slot is the 3 hours from its start.
                        slot_ends_at = starts_at + timedelta(hours=3)
                        if hall_is_busy(
                            hall_id=hall.pk, starts_at=starts_at, ends_at=slot_ends_at, ignore_showtime_id=None
                        ):
                            continue
                        movie = movies[(day + slot + index) % len(movies)]
                        # The small hall refuses holds that strand a single seat; the big one sells any free seat.
                        showtime = create_showtime(
                            hall=hall, movie=movie, starts_at=starts_at, prevent_orphans=hall == studio
                        )
                        if hall == studio:
                            set_showtime_prices(showtime=showtime, prices=studio_prices)
                        created += 1

            api_token_for(user=ensure_user(username=DEMO_USERNAME, password=DEMO_PASSWORD))
            ensure_user(username=ADMIN_USERNAME, password=ADMIN_PASSWORD, staff=True)

        upcoming = Showtime.objects.filter(starts_at__gt=timezone.now()).count()
        if self.plan_note:
            self.stdout.write(self.plan_note)
        self.stdout.write(f"Demo data ready: {created} new showtimes, {upcoming} upcoming.")
        self.stdout.write(f"  moviegoer: {DEMO_USERNAME} / {DEMO_PASSWORD}")
        self.stdout.write(f"  admin:     {ADMIN_USERNAME} / {ADMIN_PASSWORD}  (http://127.0.0.1:<port>/admin/)")
        self.stdout.write(f"  holds last {settings.HOLD_TTL_SECONDS} s; up to {settings.MAX_SEATS_PER_HOLD} seats each")

    def _plan_grand_hall(self, hall: Hall) -> None:
        """Give the Grand Hall its plan, unless it has it already or sold seats keep it as it is."""
        self.plan_note = ""
        if plan_text(hall=hall) == GRAND_PLAN.replace("_", "."):
            return
        try:
            with transaction.atomic():
                replace_hall_plan(hall=hall, text=GRAND_PLAN)
        except InvalidRequest as refusal:
            self.plan_note = f"  {hall.name} keeps its plan: {refusal.detail}"
