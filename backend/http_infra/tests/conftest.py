"""The booking app's fixtures (users, showtimes, API clients, the process caches cleared per test):
HTTP infrastructure is tested on the booking endpoints it serves."""

from booking.tests.conftest import *  # noqa: F403
