"""Tests of the code outside the backend apps: deploy/ (container and proxy files), loadtest/ (the stress
script) and scripts/ (the cluster runner). Collected by `make test` through backend/pyproject.toml."""
