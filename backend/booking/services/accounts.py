"""Accounts: moviegoers (and the seed data's staff user) and their API tokens.

One deliberate import from the HTTP framework: the API token is DRF's authtoken *model* (a table
and a key generator, no HTTP code). This module is the only place that creates tokens; the API's
authentication (http_infra/authentication.py) only reads them.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from rest_framework.authtoken.models import Token

from booking.exceptions import InvalidRequest, UsernameTaken


def register_user(*, username: str, password: str, email: str = "") -> tuple:
    """Create a user and their API token. Returns (user, token_key)."""
    User = get_user_model()
    candidate = User(username=username, email=email)
    try:
        validate_password(password, user=candidate)
    except DjangoValidationError as exc:
        raise InvalidRequest(" ".join(exc.messages), errors={"password": exc.messages}) from exc
    try:
        with transaction.atomic():
            user = User.objects.create_user(username=username, email=email, password=password)
            token = Token.objects.create(user=user)
    except IntegrityError as exc:  # the unique index on UPPER(username): `Alice` is taken when `alice` is
        raise UsernameTaken(errors={"username": [UsernameTaken.default_detail]}) from exc
    return user, token.key


def api_token_for(*, user) -> str:
    """The user's API token, created on first use."""
    return Token.objects.get_or_create(user=user)[0].key


def ensure_user(*, username: str, password: str, staff: bool = False):
    """The user of that name, created with that password (a superuser when `staff`) on first use; an
    existing user keeps their password. For seed data: safe to repeat."""
    User = get_user_model()
    user, created = User.objects.get_or_create(username=username, defaults={"is_staff": staff, "is_superuser": staff})
    if created:
        user.set_password(password)
        user.save(update_fields=["password"])
    return user
