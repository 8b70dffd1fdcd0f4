"""Tests of the HTTP infrastructure, run on the booking endpoints it serves (fixtures from booking/tests)."""
