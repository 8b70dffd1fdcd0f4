"""HTTP infrastructure: what every request passes through, whatever endpoint it reaches.

Here: token authentication with its per-process cache (authentication.py), the shorter middleware chain
token API calls take (token_fast_path.py), rate limits (throttling.py, rates.py),
request-body limits and the documents' CSP (middleware.py), the JSON error answers Django and gunicorn
give outside the API's views (errors.py, server_errors.py), serving the built seat map (spa.py), and
observability: request log, Prometheus metrics, readiness (observability/).

Not here: anything about seats, showtimes or bookings. The endpoints are booking/api/, the rules
booking/services/ and booking/selectors/. Two deliberate reaches into the booking app, named where
they happen: the rate counter's UNLOGGED table is a booking model (throttling.py writes it in one
statement, as a counter, not a business write), and the metrics read seat counts (observability/metrics.py).
"""
