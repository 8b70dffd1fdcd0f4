from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from booking.models import Hall, Movie, Showtime, Venue
from booking.services.accounts import api_token_for
from booking.services.showtimes import create_showtime, generate_seats

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
            venue, _ = Venue.objects.get_or_create(name="Boxoffice Central", city="Springfield")
            halls = []
            for name, rows, per_row in HALLS:
                hall, _ = Hall.objects.get_or_create(venue=venue, name=name)
                generate_seats(hall=hall, rows=rows, seats_per_row=per_row)
                halls.append(hall)
            movies = [
                Movie.objects.get_or_create(title=title, defaults={"duration_minutes": minutes})[0]
                for title, minutes in MOVIES
            ]
            today = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)
            created = 0
            for day in range(DAYS + 1):
                for slot, (hour, minute) in enumerate(DAILY_STARTS):
                    starts_at = today + timedelta(days=day, hours=hour, minutes=minute)
                    if starts_at <= timezone.now():
                        continue
                    for index, hall in enumerate(halls):
                        if Showtime.objects.filter(
                            hall=hall, starts_at__lt=starts_at + timedelta(hours=3), ends_at__gt=starts_at
                        ).exists():
                            continue
                        movie = movies[(day + slot + index) % len(movies)]
                        create_showtime(hall=hall, movie=movie, starts_at=starts_at)
                        created += 1

            User = get_user_model()
            demo, demo_created = User.objects.get_or_create(username=DEMO_USERNAME)
            if demo_created:
                demo.set_password(DEMO_PASSWORD)
                demo.save()
            api_token_for(user=demo)
            admin, admin_created = User.objects.get_or_create(
                username=ADMIN_USERNAME, defaults={"is_staff": True, "is_superuser": True}
            )
            if admin_created:
                admin.set_password(ADMIN_PASSWORD)
                admin.save()

        upcoming = Showtime.objects.filter(starts_at__gt=timezone.now()).count()
        self.stdout.write(f"Demo data ready: {created} new showtimes, {upcoming} upcoming.")
        self.stdout.write(f"  moviegoer: {DEMO_USERNAME} / {DEMO_PASSWORD}")
        self.stdout.write(f"  admin:     {ADMIN_USERNAME} / {ADMIN_PASSWORD}  (http://127.0.0.1:<port>/admin/)")
        self.stdout.write(f"  holds last {settings.HOLD_TTL_SECONDS} s; up to {settings.MAX_SEATS_PER_HOLD} seats each")
