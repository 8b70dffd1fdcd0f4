"""The benchmark runs the seat functions through pgbench, outside Django, so it carries a copy of the
services' advisory-lock namespace: the copy must be the services' value, or its holds would not
serialise with the app's."""

import importlib.util
import sys
from pathlib import Path

from booking.services.locking import USER_LOCK_NAMESPACE


def test_the_bench_locks_in_the_services_namespace():
    path = Path(__file__).resolve().parents[2] / "loadtest" / "bench.py"
    spec = importlib.util.spec_from_file_location("bench_under_test", path)
    bench = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = bench  # its dataclasses look their module up there
    try:
        spec.loader.exec_module(bench)
    finally:
        del sys.modules[spec.name]

    assert bench.USER_LOCK_NAMESPACE == USER_LOCK_NAMESPACE
    assert ":lockns" in bench.PGBENCH_SEAT_FUNCTIONS
