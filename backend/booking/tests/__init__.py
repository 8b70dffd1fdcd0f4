"""The booking app's tests on real PostgreSQL, mirroring the code: services/, selectors/, api/, plus the
concurrency, fault-injection (faults/), fuzz and browser (e2e/) suites. Fixtures and factories are in
conftest.py and factories.py; http_infra/tests/ reuses them."""
