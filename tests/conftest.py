"""Tests of the repository's operational files: the deployment files (Dockerfile, docker-compose.yml,
deploy/) and the QA scripts (loadtest/, scripts/). The backend's pytest runs them (backend/pyproject.toml
testpaths), on its test database and with its app-server helpers (booking/tests/faults/helpers.py)."""

import pytest
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token

# For its environment switches (rate limits and the sign-in lockout off), which the servers started here inherit.
import booking.tests.conftest  # noqa: F401


@pytest.fixture
def staff_token(transactional_db) -> str:
    """The API token of a staff user: what the stress script sets up its halls and audits with."""
    staff = get_user_model().objects.create_user(username="qa-staff", is_staff=True)
    return Token.objects.create(user=staff).key
