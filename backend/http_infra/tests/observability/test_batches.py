"""Work handed to a background thread a batch at a time, and the histogram's bulk observe it relies on."""

import os
import threading
import time

from prometheus_client import CollectorRegistry, Histogram

from http_infra.observability.batches import Batches
from http_infra.observability.metrics import LATENCY_BUCKETS, observe_all


def test_the_thread_applies_what_was_added_in_order_a_batch_at_a_time():
    batches, applied = [], threading.Event()

    def apply(items):
        batches.append(items)
        if sum(map(len, batches)) == 300:
            applied.set()

    queue = Batches(apply, name="test-batches", interval=0.05)
    for n in range(300):
        queue.add(n)
    assert applied.wait(5)
    assert [n for batch in batches for n in batch] == list(range(300))
    assert len(batches) < 30  # a few batches, not one call per item


def test_a_batch_that_fails_does_not_stop_the_ones_after_it():
    applied = threading.Event()

    def apply(items):
        if "bad" in items:
            raise ValueError("cannot apply this one")
        applied.set()

    queue = Batches(apply, name="test-batches-failing", interval=0.05)
    queue.add("bad")
    time.sleep(0.2)
    queue.add("good")
    assert applied.wait(5)


def test_a_forked_child_does_not_apply_its_parents_items():
    applied = []
    queue = Batches(applied.extend, name="test-batches-fork", interval=60)
    queue.add("parent's")
    pid = os.fork()
    if pid == 0:  # the child: what it applies must be its own only
        queue.add("child's")
        queue.flush()
        os._exit(0 if applied == ["child's"] else 1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    queue.flush()
    assert applied == ["parent's"]


def samples(registry) -> dict:
    """Every sample but the children's creation times."""
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for m in registry.collect()
        for s in m.samples
        if not s.name.endswith("_created")
    }


def test_observe_all_adds_up_to_one_observe_per_value():
    one_by_one, bulk = CollectorRegistry(), CollectorRegistry()
    histograms = [
        Histogram("latency", "l", ["status"], buckets=LATENCY_BUCKETS, registry=r) for r in (one_by_one, bulk)
    ]
    # On a bound, between bounds, beyond the last one, zero.
    durations = [0.0025, 0.003, 0.0, 0.7, 0.7, 11.0, 2.5, 0.0001] * 3
    for status in ("200", "409"):
        for duration in durations:
            histograms[0].labels(status).observe(duration)
        observe_all(histograms[1].labels(status), durations)
    assert samples(bulk) == samples(one_by_one)
    assert samples(bulk)[("latency_bucket", (("le", "0.0025"), ("status", "200")))] == 9  # 0.0025, 0.0, 0.0001


def test_after_stop_what_is_added_is_applied_at_once():
    applied = []
    queue = Batches(applied.extend, name="test-batches-stop", interval=60)
    queue.add("before")
    queue.stop()  # what atexit calls
    assert applied == ["before"]
    queue.add("from a later exit handler")
    assert applied == ["before", "from a later exit handler"]
