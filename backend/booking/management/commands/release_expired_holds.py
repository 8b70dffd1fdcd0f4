import time

from django.core.management.base import BaseCommand, CommandError

from booking.services.holds import release_expired_holds
from booking.services.housekeeping import purge_expired_rate_counters


class Command(BaseCommand):
    help = (
        "Turn expired seat holds back into available seats (and drop ended rate-limit windows), "
        "once or every N seconds (--every)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--every", type=float, default=None, help="Repeat every N seconds until stopped.")

    def handle(self, *args, every=None, **options):
        if every is not None and every <= 0:
            raise CommandError("--every takes a positive number of seconds.")
        while True:
            released = release_expired_holds()
            purge_expired_rate_counters()
            if released or every is None:
                self.stdout.write(f"released {released} expired holds")
            if every is None:
                return
            time.sleep(every)
