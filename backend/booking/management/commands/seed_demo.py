from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from booking.models import Showtime
from booking.selectors.schedule import hall_is_busy
from booking.services.accounts import api_token_for, ensure_user
from booking.services.showtimes import DEFAULT_VENUE, create_showtime, ensure_hall, movie_titled, venue_named

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "demo12345"
ADMIN_USERNAME = "admin"
ADMIN_PASSWORD = "admin12345"

HALLS = [("Studio 1", 10, 12), ("Grand Hall", 40, 25)]  # name, rows, seats per row (Grand: 1,000)
MOVIES = [("The Last Projectionist", 118), ("Midnight Matinee", 95), ("Seat 13", 104), ("Intermission", 132)]
DAILY_STARTS = [(14, 0), (17, 30), (21, 0)]  # local-free UTC times; each slot fits the longest movie
DAYS = 3


class Command(BaseCommand):
    help = "Load demo data: a venue with two halls (one of 1,000 seats), movies, showtimes and users. Idempotent."

    def handle(self, *args, **options):
        with transaction.atomic():
            venue = venue_named(name=DEFAULT_VENUE[0], city=DEFAULT_VENUE[1])
            halls = [
                ensure_hall(venue=venue, name=name, rows=rows, seats_per_row=per_row) for name, rows, per_row in HALLS
            ]
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
                        create_showtime(hall=hall, movie=movie, starts_at=starts_at)
                        created += 1

            api_token_for(user=ensure_user(username=DEMO_USERNAME, password=DEMO_PASSWORD))
            ensure_user(username=ADMIN_USERNAME, password=ADMIN_PASSWORD, staff=True)

        upcoming = Showtime.objects.filter(starts_at__gt=timezone.now()).count()
        self.stdout.write(f"Demo data ready: {created} new showtimes, {upcoming} upcoming.")
        self.stdout.write(f"  moviegoer: {DEMO_USERNAME} / {DEMO_PASSWORD}")
        self.stdout.write(f"  admin:     {ADMIN_USERNAME} / {ADMIN_PASSWORD}  (http://127.0.0.1:<port>/admin/)")
        self.stdout.write(f"  holds last {settings.HOLD_TTL_SECONDS} s; up to {settings.MAX_SEATS_PER_HOLD} seats each")
