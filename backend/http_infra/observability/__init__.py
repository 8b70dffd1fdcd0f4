"""Operational visibility: structured request logs, Prometheus metrics (/metrics) and readiness (/api/ready/)."""
